// The same-origin proxy to todo-chat, shared by /api/todo/... and /api/chatkit: the server
// checks the Better Auth session, mints the user's token and forwards the request with
// `Authorization: Bearer <token>`. The browser never holds the secret or a token, and one public
// origin needs no CORS. A streamed answer (text/event-stream) is passed through as it arrives,
// unbuffered; the browser closing the request (Stop) closes the upstream one.
import { sessionFrom, type Session } from "@/lib/auth";
import { requireEnv } from "@/lib/env";
import { mintToken } from "@/lib/token";

// Longer than todo-chat's turn deadline (TODO_TURN_DEADLINE, 45 s by default), so a slow turn
// ends with todo-chat's own 504 that lists what ran, not with the proxy giving up.
export const TIMEOUT_MS = 65_000;
// The same bound as todo-chat's: a bigger body is refused before it is read whole.
export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as text, or null when it is bigger than MAX_BODY_BYTES. */
async function boundedBody(request: Request): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
// Headers of todo-chat's answer the browser may see.
const PASSED = ["content-type", "x-total-count", "link", "retry-after"];

/**
 * Forwards `request` to the URL `target` names for the signed-in user (401 without a session),
 * with the user's bearer token; passes the answer back (a stream as it arrives).
 */
export async function proxyToTodoChat(request: Request, target: (session: Session) => string): Promise<Response> {
  const session = await sessionFrom(request.headers);
  if (!session) {
    return Response.json({ detail: "Sign in first." }, { status: 401 });
  }
  const { token } = await mintToken(session, requireEnv("BETTER_AUTH_SECRET"));
  const body = ["GET", "HEAD", "DELETE"].includes(request.method) ? undefined : await boundedBody(request);
  if (body === null) {
    return Response.json({ detail: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }, { status: 413 });
  }
  const accept = request.headers.get("accept");
  try {
    const upstream = await fetch(target(session), {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(accept ? { accept } : {}),
      },
      body,
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      cache: "no-store",
    });
    const headers = new Headers();
    for (const name of PASSED) {
      const value = upstream.headers.get(name);
      if (value) headers.set(name, value);
    }
    if (!headers.has("content-type") && upstream.status !== 204) headers.set("content-type", "application/json");
    if (headers.get("content-type")?.includes("text/event-stream")) {
      // no-transform: no compression (which would hold events back); X-Accel-Buffering: no
      // for an nginx in front.
      headers.set("cache-control", "no-cache, no-transform");
      headers.set("x-accel-buffering", "no");
      return new Response(upstream.body, { status: upstream.status, headers });
    }
    const text = upstream.status === 204 ? null : await upstream.text();
    return new Response(text, { status: upstream.status, headers });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return Response.json(
      { detail: timedOut ? "The assistant took too long to answer; try again." : "The assistant service can't be reached right now; try again shortly." },
      { status: timedOut ? 504 : 502 },
    );
  }
}
