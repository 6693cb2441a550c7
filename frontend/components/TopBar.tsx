"use client";
// The app's header, the same on both chat pages: the name, who is signed in, and Sign out.
import { useRouter } from "next/navigation";
import { endSession } from "@/lib/api";

export default function TopBar({ userName }: { userName: string }) {
  const router = useRouter();

  async function signOut() {
    await endSession();
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <header className="top">
      <h1>Todo Chatbot</h1>
      <span className="who" title={userName}>{userName}</span>
      <button type="button" className="link" onClick={signOut}>Sign out</button>
    </header>
  );
}
