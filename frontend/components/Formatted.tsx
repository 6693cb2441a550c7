import { Fragment } from "react";
import { parseReply } from "@/lib/format";

/// The reply as written (see lib/format.ts): paragraphs, numbered lists that keep their numbers,
/// "- " bullet lists, in their order. Every string is a React text node.
export function Formatted({ text }: { text: string }) {
  return (
    <>
      {parseReply(text).map((block, i) => {
        if (block.kind === "ordered")
          return (
            <ol key={i} start={block.start}>
              {block.items.map((item, j) => <li key={j} value={item.number}>{item.text}</li>)}
            </ol>
          );
        if (block.kind === "bullets")
          return <ul key={i}>{block.items.map((item, j) => <li key={j}>{item}</li>)}</ul>;
        return (
          <p key={i}>
            {block.lines.map((line, j) => <Fragment key={j}>{j > 0 && <br />}{line}</Fragment>)}
          </p>
        );
      })}
    </>
  );
}
