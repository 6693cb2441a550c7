import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionFrom } from "@/lib/auth";
import ChatApp from "@/components/ChatApp";

export const dynamic = "force-dynamic";

export default async function Home({ searchParams }: { searchParams: Promise<{ c?: string }> }) {
  const { c } = await searchParams;
  const session = await sessionFrom(await headers());
  if (!session) {
    redirect("/sign-in");
  }
  const initialConversation = c && /^\d+$/.test(c) ? Number(c) : undefined;
  return <ChatApp userName={session.user.name || session.user.email} initialConversation={initialConversation} />;
}
