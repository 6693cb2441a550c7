import { redirect } from "next/navigation";
import { chatPage } from "@/lib/chat-page";
import ChatApp from "@/components/ChatApp";

export const dynamic = "force-dynamic";

export default async function Home({ searchParams }: { searchParams: Promise<{ c?: string }> }) {
  const { userName, initialConversation, query, ui } = await chatPage(searchParams);
  // ChatKit mode is its own page, so none of its code is in this page's first-load JavaScript.
  if (ui.mode === "chatkit") {
    redirect(`/chatkit${query}`);
  }
  return <ChatApp userName={userName} initialConversation={initialConversation} />;
}
