// What both chat pages (/ and /chatkit) need from the request: the signed-in user (else a
// redirect to /sign-in), the conversation to reopen (?c=12), and the configured chat UI.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionFrom } from "@/lib/auth";
import { chatUiConfig, type ChatUiConfig } from "@/lib/chat-ui";

export async function chatPage(searchParams: Promise<{ c?: string }>): Promise<{
  userName: string;
  initialConversation?: number;
  query: string;
  ui: ChatUiConfig;
}> {
  const { c } = await searchParams;
  const session = await sessionFrom(await headers());
  if (!session) {
    redirect("/sign-in");
  }
  const initialConversation = c && /^\d+$/.test(c) ? Number(c) : undefined;
  return {
    userName: session.user.name || session.user.email,
    initialConversation,
    query: initialConversation ? `?c=${initialConversation}` : "",
    // Read per request from the process environment (not inlined at build time), so a prebuilt
    // image switches with CHAT_UI / NEXT_PUBLIC_CHAT_UI alone (docs/chatkit.md). A warning
    // about the value is logged once at start (instrumentation-node.ts).
    ui: chatUiConfig(process.env),
  };
}
