"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";

/// Better Auth's email endpoints, called directly: the page needs no auth client library.
async function authenticate(path: "sign-in/email" | "sign-up/email", body: Record<string, string>): Promise<string | null> {
  const response = await fetch(`/api/auth/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return null;
  const answer = await response.json().catch(() => ({}));
  return typeof answer.message === "string" && answer.message ? answer.message : "That did not work; check your details and try again.";
}

/// Better Auth's minimum (lib/auth.ts: minPasswordLength).
const MIN_PASSWORD = 8;

export default function SignIn() {
  const router = useRouter();
  const [mode, setMode] = useState<"sign-in" | "sign-up">("sign-in");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === "sign-up";

  function switchMode() {
    setMode(signUp ? "sign-in" : "sign-up");
    setError(null);
  }

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    try {
      const failure = signUp
        ? await authenticate("sign-up/email", { email, password, name: String(form.get("name") || email.split("@")[0]) })
        : await authenticate("sign-in/email", { email, password });
      if (failure) {
        setError(failure);
        setBusy(false);
        return;
      }
    } catch {
      setError("The sign-in service can't be reached; try again shortly.");
      setBusy(false);
      return;
    }
    // Busy until the chat page has replaced this one.
    router.replace("/");
    router.refresh();
  }

  return (
    <main className="auth">
      <div className="brand">
        <svg width="32" height="32" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <rect width="32" height="32" rx="7" fill="#2f5fd0" />
          <path d="M7 9.5A2.5 2.5 0 0 1 9.5 7h13A2.5 2.5 0 0 1 25 9.5v9a2.5 2.5 0 0 1-2.5 2.5H14l-5 4v-4h0.5A2.5 2.5 0 0 1 7 18.5z" fill="#fff" />
          <path d="M11.5 14l3 3 6-6" fill="none" stroke="#2f5fd0" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <h1>Todo Chatbot</h1>
      </div>
      <p>Manage your todo list by talking to it.</p>
      <form onSubmit={submit} aria-describedby={error ? "auth-error" : undefined} aria-busy={busy}>
        <h2>{signUp ? "Create an account" : "Sign in"}</h2>
        {signUp && (
          <label>
            Name
            <input name="name" autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" minLength={MIN_PASSWORD} required aria-describedby="password-rule"
            autoComplete={signUp ? "new-password" : "current-password"} />
          <span id="password-rule" className="rule">At least {MIN_PASSWORD} characters.</span>
        </div>
        {error && <p id="auth-error" role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>
          {busy && <span className="spinner" aria-hidden="true" />}
          {busy ? (signUp ? "Creating your account…" : "Signing in…") : signUp ? "Sign up" : "Sign in"}
        </button>
        <button type="button" className="link" onClick={switchMode} disabled={busy}>
          {signUp ? "Have an account? Sign in" : "No account? Sign up"}
        </button>
      </form>
    </main>
  );
}
