// The same-origin proxy for ChatKit mode (docs/chatkit.md): ChatKit's web component posts its
// protocol requests (`{"type": "threads.create", "params": {...}}`) to /api/chatkit; the
// server checks the Better Auth session, mints the user's token and forwards the body to
// ${TODO_CHAT_URL}/chatkit. Streaming request types come back as text/event-stream, passed
// through unbuffered; the rest as JSON. Same limits as /api/todo (lib/proxy.ts).
import { todoChatUrl } from "@/lib/env";
import { proxyToTodoChat } from "@/lib/proxy";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return proxyToTodoChat(request, () => `${todoChatUrl()}/chatkit`);
}
