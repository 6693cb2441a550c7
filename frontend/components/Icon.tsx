// Small line icons (inline SVG: no font or emoji needed). Decorative: the button names itself.
const PATHS = {
  edit: "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
  check: "M5 12.5l4.5 4.5L19 7",
  circle: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18",
  reopen: "M4 12a8 8 0 1 0 2.3-5.7M4 4v4h4",
  send: "M4 12l16-8-6 16-2.5-6.5L4 12z",
  stop: "M7 7h10v10H7z",
} as const;

export default function Icon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className="icon-svg" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"
      fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
