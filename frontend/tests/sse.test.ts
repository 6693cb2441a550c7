import { describe, expect, it } from "vitest";
import { createSseParser, type SseEvent } from "@/lib/sse";

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  chunks.forEach((c) => parser.push(c));
  parser.end();
  return events;
}

const STREAM = 'event: conversation\ndata: {"conversation_id": 7}\n\nevent: text\ndata: {"delta": "Hi"}\n\n: keep-alive\n\nevent: done\ndata: {"a":1}\n\n';

describe("the SSE parser", () => {
  it("reads named events in order", () => {
    expect(parse([STREAM])).toEqual([
      { event: "conversation", data: '{"conversation_id": 7}' },
      { event: "text", data: '{"delta": "Hi"}' },
      { event: "done", data: '{"a":1}' },
    ]);
  });

  it("gives the same events however the text is cut, one character at a time included", () => {
    const whole = parse([STREAM]);
    expect(parse(STREAM.split(""))).toEqual(whole);
    expect(parse([STREAM.slice(0, 30), STREAM.slice(30, 31), STREAM.slice(31)])).toEqual(whole);
  });

  it("accepts CRLF and CR line ends, split between chunks", () => {
    const crlf = STREAM.replace(/\n/g, "\r\n");
    expect(parse(crlf.split(""))).toEqual(parse([STREAM]));
    expect(parse([STREAM.replace(/\n/g, "\r")])).toEqual(parse([STREAM]));
  });

  it("joins multi-line data with newlines and defaults the name to message", () => {
    expect(parse(["data: a\ndata: b\n\n"])).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("delivers a last event that lacks its blank line when the stream ends", () => {
    expect(parse(['event: done\ndata: {"x":2}'])).toEqual([{ event: "done", data: '{"x":2}' }]);
  });
});
