// The chat page in ChatKit mode (CHAT_UI=chatkit; docs/chatkit.md): ChatKit when its script
// loads from OpenAI's CDN, else the built-in widget with a notice. In the default mode it
// sends you to /.
import { redirect } from "next/navigation";
import { chatPage } from "@/lib/chat-page";
import ChatKitMode from "@/components/ChatKitMode";

export const dynamic = "force-dynamic";

export default async function ChatKitPage({ searchParams }: { searchParams: Promise<{ c?: string }> }) {
  const { userName, initialConversation, query, ui } = await chatPage(searchParams);
  if (ui.mode !== "chatkit") {
    redirect(`/${query}`);
  }
  return <ChatKitMode userName={userName} initialConversation={initialConversation} domainKey={ui.domainKey} />;
}
