// The same-origin proxy to todo-chat's REST API: the browser calls /api/todo/<rest>; the
// server checks the Better Auth session, mints the user's token and forwards to
// ${TODO_CHAT_URL}/api/<user id>/<rest> (lib/proxy.ts: streams unbuffered, 64 KiB bodies, 65 s).
import { todoChatUrl } from "@/lib/env";
import { proxyToTodoChat } from "@/lib/proxy";

export const dynamic = "force-dynamic";

async function forward(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  const rest = path.map(encodeURIComponent).join("/");
  const query = new URL(request.url).search;
  return proxyToTodoChat(request, (session) => `${todoChatUrl()}/api/${encodeURIComponent(session.user.id)}/${rest}${query}`);
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE };
