"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";

export default function SignIn() {
  const router = useRouter();
  const [mode, setMode] = useState<"sign-in" | "sign-up">("sign-in");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") || email.split("@")[0]) })
        : await authClient.signIn.email({ email, password });
    setBusy(false);
    if (result.error) {
      setError(result.error.message ?? "That did not work; check your details and try again.");
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <main className="auth">
      <h1>Todo Chatbot</h1>
      <p>Manage your todo list by talking to it.</p>
      <form onSubmit={submit} aria-describedby={error ? "auth-error" : undefined}>
        <h2>{mode === "sign-in" ? "Sign in" : "Create an account"}</h2>
        {mode === "sign-up" && (
          <label>
            Name
            <input name="name" autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" minLength={8} required
            autoComplete={mode === "sign-in" ? "current-password" : "new-password"} />
        </label>
        {error && <p id="auth-error" role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{mode === "sign-in" ? "Sign in" : "Sign up"}</button>
        <button type="button" className="link" onClick={() => setMode(mode === "sign-in" ? "sign-up" : "sign-in")}>
          {mode === "sign-in" ? "No account? Sign up" : "Have an account? Sign in"}
        </button>
      </form>
    </main>
  );
}
