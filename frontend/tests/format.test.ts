import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { parseReply } from "@/lib/format";
import { Formatted } from "@/components/ChatApp";

const EXAMPLE = [
  "You have 3 tasks on your list (2 pending, 1 completed):",
  "1. Buy bread (task 7)",
  "2. Call mom (task 9) (done)",
  "3. Pay bills (task 12)",
  'Say "the second one" to pick one.',
].join("\n");

const render = (text: string) => renderToStaticMarkup(createElement(Formatted, { text }));

describe("parseReply: replies render as written", () => {
  it("keeps the heading, the numbered list and the trailing sentence in order", () => {
    expect(parseReply(EXAMPLE)).toEqual([
      { kind: "paragraph", lines: ["You have 3 tasks on your list (2 pending, 1 completed):"] },
      {
        kind: "ordered",
        start: 1,
        items: [
          { number: 1, text: "Buy bread (task 7)" },
          { number: 2, text: "Call mom (task 9) (done)" },
          { number: 3, text: "Pay bills (task 12)" },
        ],
      },
      { kind: "paragraph", lines: ['Say "the second one" to pick one.'] },
    ]);
  });

  it("keeps the numbers of a list that starts at 4", () => {
    expect(parseReply("4. Four\n5. Five")).toEqual([
      { kind: "ordered", start: 4, items: [{ number: 4, text: "Four" }, { number: 5, text: "Five" }] },
    ]);
  });

  it("keeps non-consecutive numbers (1, 2, 5)", () => {
    const [list] = parseReply("1. a\n2. b\n5. e");
    expect(list).toEqual({
      kind: "ordered",
      start: 1,
      items: [{ number: 1, text: "a" }, { number: 2, text: "b" }, { number: 5, text: "e" }],
    });
  });

  it('turns "- " lines into a bullet list in place', () => {
    expect(parseReply("Pending:\n- milk\n- eggs\nThat's all.")).toEqual([
      { kind: "paragraph", lines: ["Pending:"] },
      { kind: "bullets", items: ["milk", "eggs"] },
      { kind: "paragraph", lines: ["That's all."] },
    ]);
  });

  it("keeps text between two lists between them", () => {
    expect(parseReply("1. a\n2. b\nand also\n- c\n3. d")).toEqual([
      { kind: "ordered", start: 1, items: [{ number: 1, text: "a" }, { number: 2, text: "b" }] },
      { kind: "paragraph", lines: ["and also"] },
      { kind: "bullets", items: ["c"] },
      { kind: "ordered", start: 3, items: [{ number: 3, text: "d" }] },
    ]);
  });

  it("leaves a number inside prose as text", () => {
    expect(parseReply("I have 2 cats.\n2024 was a good year")).toEqual([
      { kind: "paragraph", lines: ["I have 2 cats.", "2024 was a good year"] },
    ]);
  });

  it("separates paragraphs at blank lines", () => {
    expect(parseReply("First.\n\n  \nSecond.")).toEqual([
      { kind: "paragraph", lines: ["First."] },
      { kind: "paragraph", lines: ["Second."] },
    ]);
  });

  it("gives no blocks for empty input", () => {
    expect(parseReply("")).toEqual([]);
    expect(parseReply("\n \r\n")).toEqual([]);
  });

  it("reads CRLF line endings like LF", () => {
    expect(parseReply(EXAMPLE.replaceAll("\n", "\r\n"))).toEqual(parseReply(EXAMPLE));
  });
});

describe("Formatted", () => {
  it("renders the example as text, an <ol> that keeps its numbers, then the trailing text", () => {
    expect(render(EXAMPLE)).toBe(
      "<p>You have 3 tasks on your list (2 pending, 1 completed):</p>" +
        '<ol start="1"><li value="1">Buy bread (task 7)</li><li value="2">Call mom (task 9) (done)</li>' +
        '<li value="3">Pay bills (task 12)</li></ol>' +
        "<p>Say &quot;the second one&quot; to pick one.</p>",
    );
  });

  it("shows exactly the numbers written (4, 5, 9)", () => {
    expect(render("4. a\n5. b\n9. c")).toBe(
      '<ol start="4"><li value="4">a</li><li value="5">b</li><li value="9">c</li></ol>',
    );
  });

  it("renders markup in a reply as text, never as HTML", () => {
    const html = render('<img src=x onerror="alert(1)">\n- <b>bold</b>\n1. <script>x</script>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("keeps line breaks inside a paragraph", () => {
    expect(render("one\ntwo")).toBe("<p>one<br/>two</p>");
  });
});
