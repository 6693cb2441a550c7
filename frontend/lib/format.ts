// Splits an assistant reply into blocks, in the order they were written, for the chat widget.
// Pure: no React, no HTML. The widget renders every string as a text node.

export type ListItem = { number: number; text: string };

export type Block =
  | { kind: "paragraph"; lines: string[] }
  | { kind: "ordered"; start: number; items: ListItem[] }
  | { kind: "bullets"; items: string[] };

// "1. text" or "1) text": the number is kept as written (a list may start at 4, or skip numbers).
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(\S.*)$/;
// "- text"
const BULLET = /^\s*-\s+(\S.*)$/;

/// Lines starting with a number and "." (or ")") form an ordered list that keeps its numbers;
/// lines starting with "- " form a bullet list; blank lines separate paragraphs; every other
/// line is text. Blocks come back in the order they appear in the reply.
export function parseReply(text: string): Block[] {
  const blocks: Block[] = [];
  // The block the next line may continue; a blank line ends it.
  let current: Block | undefined;

  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) {
      current = undefined;
      continue;
    }
    const numbered = NUMBERED.exec(line);
    const bullet = numbered ? null : BULLET.exec(line);
    if (numbered) {
      const item = { number: Number(numbered[1]), text: numbered[2].trim() };
      if (current?.kind === "ordered") current.items.push(item);
      else blocks.push((current = { kind: "ordered", start: item.number, items: [item] }));
    } else if (bullet) {
      const item = bullet[1].trim();
      if (current?.kind === "bullets") current.items.push(item);
      else blocks.push((current = { kind: "bullets", items: [item] }));
    } else if (current?.kind === "paragraph") current.lines.push(line);
    else blocks.push((current = { kind: "paragraph", lines: [line] }));
  }
  return blocks;
}
