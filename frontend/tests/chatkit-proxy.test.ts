import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/auth", () => ({
  sessionFrom: async (headers: Headers) =>
    headers.get("cookie") === "signed-in" ? { user: { id: "user 1", email: "a@example.com", name: "A" } } : null,
}));

const { POST } = await import("@/app/api/chatkit/route");
const { jwtVerify } = await import("jose");
const SECRET = "unit-test-secret-0123456789abcdefghij";

beforeEach(() => {
  process.env.BETTER_AUTH_SECRET = SECRET;
  process.env.TODO_CHAT_URL = "http://chat.test/";
});
afterEach(() => vi.unstubAllGlobals());

const chatkitRequest = (body: unknown, headers: Record<string, string> = { cookie: "signed-in" }) =>
  new Request("http://web.test/api/chatkit", { method: "POST", headers, body: JSON.stringify(body) });

describe("the /api/chatkit proxy", () => {
  it("refuses a request without a session, without calling todo-chat", async () => {
    const upstream = vi.fn();
    vi.stubGlobal("fetch", upstream);
    const response = await POST(chatkitRequest({ type: "threads.list", params: {} }, {}));
    expect(response.status).toBe(401);
    expect(upstream).not.toHaveBeenCalled();
  });

  it("forwards the body to ${TODO_CHAT_URL}/chatkit with the user's bearer token, and the JSON answer back", async () => {
    let url = "";
    let sent: RequestInit | undefined;
    vi.stubGlobal("fetch", vi.fn(async (u: string, init: RequestInit) => {
      url = u;
      sent = init;
      return Response.json({ data: [], has_more: false }, { status: 200 });
    }));
    const body = { type: "threads.list", params: { limit: 20 }, metadata: {} };
    const response = await POST(chatkitRequest(body));
    expect(url).toBe("http://chat.test/chatkit");
    expect(sent?.method).toBe("POST");
    expect(JSON.parse(String(sent?.body))).toEqual(body);
    const auth = (sent?.headers as Record<string, string>).authorization;
    const { payload } = await jwtVerify(auth.replace(/^Bearer /, ""), new TextEncoder().encode(SECRET));
    expect(payload.sub).toBe("user 1");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [], has_more: false });
  });

  it("passes a streamed answer through as it arrives", async () => {
    let push!: (text: string) => void;
    const stream = new ReadableStream<Uint8Array>({ start(c) { push = (t) => c.enqueue(new TextEncoder().encode(t)); } });
    vi.stubGlobal("fetch", vi.fn(async () => new Response(stream, { headers: { "content-type": "text/event-stream" } })));
    const response = await POST(chatkitRequest({ type: "threads.create", params: { input: { content: [] } }, metadata: {} }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    push('data: {"type": "thread.created"}\n\n');
    const first = await response.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toContain("thread.created");
  });

  it("refuses a body over 64 KiB", async () => {
    const upstream = vi.fn();
    vi.stubGlobal("fetch", upstream);
    const response = await POST(chatkitRequest({ type: "threads.create", params: { text: "x".repeat(70 * 1024) } }));
    expect(response.status).toBe(413);
    expect(upstream).not.toHaveBeenCalled();
  });
});
