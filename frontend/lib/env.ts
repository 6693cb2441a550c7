// Configuration from the environment. Secrets have no defaults: a missing one is named.

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; the web app needs it (see frontend/README.md)`);
  }
  return value;
}

export const REQUIRED_AT_START = ["BETTER_AUTH_SECRET", "BETTER_AUTH_URL"] as const;

/// Where the browser's requests are forwarded; server-side only, never a secret.
export function todoChatUrl(): string {
  return (process.env.TODO_CHAT_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}
