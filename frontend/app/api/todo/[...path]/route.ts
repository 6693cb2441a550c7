// The same-origin proxy to todo-chat: the browser calls /api/todo/<rest>; the server checks
// the Better Auth session, mints the user's token and forwards to
// ${TODO_CHAT_URL}/api/<user id>/<rest>. The browser never holds the secret or a token, and
// one public origin needs no CORS.
import { sessionFrom } from "@/lib/auth";
import { requireEnv, todoChatUrl } from "@/lib/env";
import { mintToken } from "@/lib/token";

const TIMEOUT_MS = 65_000;

async function forward(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const session = await sessionFrom(request.headers);
  if (!session) {
    return Response.json({ detail: "Sign in first." }, { status: 401 });
  }
  const { path } = await params;
  const rest = path.map(encodeURIComponent).join("/");
  const query = new URL(request.url).search;
  const { token } = await mintToken(session, requireEnv("BETTER_AUTH_SECRET"));
  const body = ["GET", "HEAD", "DELETE"].includes(request.method) ? undefined : await request.text();
  try {
    const upstream = await fetch(`${todoChatUrl()}/api/${encodeURIComponent(session.user.id)}/${rest}${query}`, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: "no-store",
    });
    const text = upstream.status === 204 ? null : await upstream.text();
    return new Response(text, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return Response.json(
      { detail: timedOut ? "The assistant took too long to answer; try again." : "The assistant service can't be reached right now; try again shortly." },
      { status: timedOut ? 504 : 502 },
    );
  }
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE };
