// "just now", "2 min ago", "3 h ago", "yesterday", "Mon", "12 Mar", "12 Mar 2025", in the
// browser's time zone. Pure (the clock is a parameter).

/// A timestamp from the API: RFC 3339, or SQLite's "YYYY-MM-DD HH:MM:SS" (UTC).
export function parseTimestamp(value: string): Date {
  const iso = value.includes("T") ? value : value.replace(" ", "T");
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`;
  return new Date(zoned);
}

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function relativeTime(value: string, now: Date = new Date()): string {
  const then = parseTimestamp(value);
  if (Number.isNaN(then.getTime())) return "";
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  const days = Math.round((startOfDay(now) - startOfDay(then)) / DAY);
  if (days === 0) return `${hours} h ago`;
  if (days === 1) return "yesterday";
  if (days < 7) return then.toLocaleDateString(undefined, { weekday: "long" });
  const sameYear = then.getFullYear() === now.getFullYear();
  return then.toLocaleDateString(undefined, { day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }) });
}

/// The full local date and time, for a tooltip.
export function localTime(value: string): string {
  const then = parseTimestamp(value);
  return Number.isNaN(then.getTime()) ? value : then.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
