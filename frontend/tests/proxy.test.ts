import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/auth", () => ({
  sessionFrom: async (headers: Headers) =>
    headers.get("cookie") === "signed-in" ? { user: { id: "user 1", email: "a@example.com", name: "A" } } : null,
}));

const { POST, GET } = await import("@/app/api/todo/[...path]/route");
const params = (path: string[]) => ({ params: Promise.resolve({ path }) });

beforeEach(() => {
  process.env.BETTER_AUTH_SECRET = "unit-test-secret-0123456789abcdefghij";
  process.env.TODO_CHAT_URL = "http://chat.test";
});
afterEach(() => vi.unstubAllGlobals());

describe("the /api/todo proxy", () => {
  it("refuses a request without a session", async () => {
    const response = await GET(new Request("http://web.test/api/todo/tasks"), params(["tasks"]));
    expect(response.status).toBe(401);
  });

  it("passes a stream through as it arrives, forwarding Accept, and closing the browser's request aborts upstream", async () => {
    let push!: (text: string) => void;
    let upstreamSignal: AbortSignal | undefined;
    let sent: RequestInit | undefined;
    let url = "";
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    vi.stubGlobal("fetch", vi.fn(async (u: string, init: RequestInit) => {
      url = u;
      sent = init;
      upstreamSignal = init.signal ?? undefined;
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    }));
    const browser = new AbortController();
    const request = new Request("http://web.test/api/todo/chat", {
      method: "POST",
      headers: { cookie: "signed-in", accept: "text/event-stream" },
      body: JSON.stringify({ message: "hi" }),
      signal: browser.signal,
    });
    const response = await POST(request, params(["chat"]));
    expect(url).toBe("http://chat.test/api/user%201/chat");
    expect((sent?.headers as Record<string, string>).accept).toBe("text/event-stream");
    expect((sent?.headers as Record<string, string>).authorization).toMatch(/^Bearer ey/);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const reader = response.body!.getReader();
    // The first event is readable while the upstream turn is still going (nothing buffered).
    push('event: conversation\ndata: {"conversation_id": 1}\n\n');
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("conversation_id");
    expect(upstreamSignal?.aborted).toBe(false);
    browser.abort();
    expect(upstreamSignal?.aborted).toBe(true);
  });

  it("passes JSON answers with their status and the paging header", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json([{ id: 1 }], { status: 200, headers: { "x-total-count": "1" } })));
    const response = await GET(new Request("http://web.test/api/todo/tasks?limit=500", { headers: { cookie: "signed-in" } }), params(["tasks"]));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-total-count")).toBe("1");
    expect(await response.json()).toEqual([{ id: 1 }]);
  });

  it("refuses a body over 64 KiB without calling todo-chat", async () => {
    const upstream = vi.fn();
    vi.stubGlobal("fetch", upstream);
    const big = JSON.stringify({ message: "x".repeat(70 * 1024) });
    const response = await POST(
      new Request("http://web.test/api/todo/chat", { method: "POST", headers: { cookie: "signed-in" }, body: big }),
      params(["chat"]),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).detail).toMatch(/larger than 65536 bytes/);
    expect(upstream).not.toHaveBeenCalled();
  });

  it("answers 502 with a sentence when todo-chat can't be reached", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("fetch failed"); }));
    const response = await GET(new Request("http://web.test/api/todo/tasks", { headers: { cookie: "signed-in" } }), params(["tasks"]));
    expect(response.status).toBe(502);
    expect((await response.json()).detail).toMatch(/can't be reached/);
  });
});
