// An incremental Server-Sent Events parser (the subset todo-chat sends: `event:` and `data:`
// lines, a blank line ends an event). Pure: push text as it arrives, in any chunking.

export type SseEvent = { event: string; data: string };

export function createSseParser(onEvent: (event: SseEvent) => void) {
  let buffer = "";
  let name = "";
  let data: string[] = [];

  function line(text: string) {
    if (text === "") {
      if (data.length > 0 || name) onEvent({ event: name || "message", data: data.join("\n") });
      name = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) return; // a comment (keep-alive)
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }

  return {
    push(chunk: string) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
        if (buffer[end] === "\r" && end === buffer.length - 1) break;
        const size = buffer.startsWith("\r\n", end) ? 2 : 1;
        line(buffer.slice(0, end));
        buffer = buffer.slice(end + size);
      }
    },
    /// The stream ended: an event without its closing blank line still counts.
    end() {
      if (buffer) line(buffer.replace(/\r$/, ""));
      buffer = "";
      line("");
    },
  };
}
