import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, chatTurn, type ToolCall } from "@/lib/api";

const DONE = { conversation_id: 9, response: "Added task 1: Buy milk.", tool_calls: [{ name: "add_task", arguments: { title: "Buy milk" }, result: { task_id: 1 } }] };

function sse(events: [string, unknown][], split = 7): Response {
  const text = events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join("");
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += split) controller.enqueue(bytes.slice(i, i + split));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

function record() {
  const seen: { conversation?: number; calls: ToolCall[]; text: string } = { calls: [], text: "" };
  return {
    seen,
    handlers: {
      onConversation: (id: number) => { seen.conversation = id; },
      onToolCall: (c: ToolCall) => seen.calls.push(c),
      onText: (d: string) => { seen.text += d; },
    },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe("chatTurn", () => {
  it("asks for a stream and sends the client_message_id", async () => {
    const fetchMock = vi.fn(async () => sse([["done", DONE]]));
    vi.stubGlobal("fetch", fetchMock);
    await chatTurn({ message: "hi", conversationId: 4, clientMessageId: "id-1" }, {});
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/todo/chat");
    expect((init.headers as Record<string, string>).accept).toContain("text/event-stream");
    expect(JSON.parse(String(init.body))).toEqual({ message: "hi", conversation_id: 4, client_message_id: "id-1" });
  });

  it("reports the conversation, the tool calls and the text as they arrive, and resolves with done", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => sse([
      ["conversation", { conversation_id: 9 }],
      ["tool_call", DONE.tool_calls[0]],
      ["text", { delta: "Added task 1: " }],
      ["text", { delta: "Buy milk." }],
      ["done", DONE],
    ])));
    const { seen, handlers } = record();
    const reply = await chatTurn({ message: "add buy milk", clientMessageId: "x" }, handlers);
    expect(reply).toEqual(DONE);
    expect(seen).toEqual({ conversation: 9, calls: DONE.tool_calls, text: "Added task 1: Buy milk." });
  });

  it("turns an error event into an ApiError with its status and the conversation", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => sse([["conversation", { conversation_id: 5 }], ["error", { error: "Too slow", status: 504 }]])));
    const error = await chatTurn({ message: "x", clientMessageId: "x" }, {}).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: "Too slow", status: 504, conversationId: 5 });
  });

  it("fails a stream that ends without done", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => sse([["text", { delta: "Half" }]])));
    await expect(chatTurn({ message: "x", clientMessageId: "x" }, {})).rejects.toThrow(/cut off/);
  });

  it("falls back to a JSON answer, reported through the same handlers", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json(DONE)));
    const { seen, handlers } = record();
    expect(await chatTurn({ message: "x", clientMessageId: "x" }, handlers)).toEqual(DONE);
    expect(seen).toEqual({ conversation: 9, calls: DONE.tool_calls, text: DONE.response });
  });

  it("reads JSON errors in either shape", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ error: "Slow down" }, { status: 429 })));
    await expect(chatTurn({ message: "x", clientMessageId: "x" }, {})).rejects.toMatchObject({ message: "Slow down", status: 429 });
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ detail: "No such conversation", conversation_id: 3 }, { status: 404 })));
    await expect(chatTurn({ message: "x", clientMessageId: "x" }, {})).rejects.toMatchObject({ message: "No such conversation", status: 404 });
  });
});
