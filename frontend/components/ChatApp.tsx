"use client";
import { Fragment, useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { api, ApiError, type Conversation, type Message } from "@/lib/api";
import { parseReply } from "@/lib/format";
import TaskList from "./TaskList";

type Bubble = { role: "user" | "assistant"; content: string };
type Failure = { message: string; retry: string };

function rememberConversation(id?: number) {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set("c", String(id));
  else url.searchParams.delete("c");
  window.history.replaceState(null, "", url);
}

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

export default function ChatApp({ userName, initialConversation }: { userName: string; initialConversation?: number }) {
  const router = useRouter();
  const [conversationId, setConversationId] = useState<number | undefined>(initialConversation);
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [draft, setDraft] = useState("");
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [tasksVersion, setTasksVersion] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);

  const loadConversations = useCallback(() => {
    api.conversations().then(setConversations).catch(() => undefined);
  }, []);

  const open = useCallback(async (id: number | undefined) => {
    setFailure(null);
    setConversationId(id);
    rememberConversation(id);
    if (!id) {
      setBubbles([]);
      return;
    }
    try {
      const messages: Message[] = await api.messages(id);
      setBubbles(messages.map((m) => ({ role: m.role, content: m.content })));
    } catch {
      setBubbles([]);
      rememberConversation(undefined);
      setConversationId(undefined);
    }
    input.current?.focus();
  }, []);

  // A reload (?c=12) reopens the conversation it showed.
  useEffect(() => {
    if (initialConversation) {
      api
        .messages(initialConversation)
        .then((messages) => setBubbles(messages.map((m) => ({ role: m.role, content: m.content }))))
        .catch(() => rememberConversation(undefined));
    }
    loadConversations();
  }, [initialConversation, loadConversations]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [bubbles, pending]);

  async function send(text: string, isRetry = false) {
    const message = text.trim();
    if (!message || pending) return;
    setFailure(null);
    if (!isRetry) setBubbles((b) => [...b, { role: "user", content: message }]);
    setDraft("");
    setPending(true);
    try {
      const reply = await api.chat(message, conversationId);
      setConversationId(reply.conversation_id);
      rememberConversation(reply.conversation_id);
      setBubbles((b) => [...b, { role: "assistant", content: reply.response }]);
      loadConversations();
    } catch (error) {
      const detail = error instanceof ApiError ? error.message : "Something went wrong; try again.";
      if (error instanceof ApiError && error.conversationId) {
        setConversationId(error.conversationId);
        rememberConversation(error.conversationId);
      }
      setFailure({ message: detail, retry: message });
    } finally {
      setPending(false);
      setTasksVersion((v) => v + 1);
      input.current?.focus();
    }
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void send(draft);
    }
  }

  async function signOut() {
    // Better Auth's sign-out endpoint; the chat page needs no auth client library for it.
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <div className="app">
      <header>
        <h1>Todo Chatbot</h1>
        <span className="who">{userName}</span>
        <button type="button" className="link" onClick={signOut}>Sign out</button>
      </header>
      <nav aria-label="Conversations" className="conversations">
        <button type="button" onClick={() => void open(undefined)}>New conversation</button>
        <ul>
          {conversations.map((c) => (
            <li key={c.id}>
              <button type="button" aria-current={c.id === conversationId ? "true" : undefined}
                onClick={() => void open(c.id)}>
                Conversation {c.id}
                <small>{new Date(c.updated_at).toLocaleString()}</small>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="chat" aria-label="Chat">
        <ol ref={log} className="log" aria-live="polite" aria-relevant="additions">
          {bubbles.length === 0 && (
            <li className="hint">Try &ldquo;add a task to buy milk&rdquo;, &ldquo;what&rsquo;s pending?&rdquo; or &ldquo;I called mom&rdquo;.</li>
          )}
          {bubbles.map((b, i) => (
            <li key={i} className={`bubble ${b.role}`}>
              <span className="sr-only">{b.role === "user" ? "You said:" : "Assistant:"}</span>
              <Formatted text={b.content} />
            </li>
          ))}
          {pending && <li className="bubble assistant pending" aria-label="Assistant is typing">…</li>}
        </ol>
        {failure && (
          <div role="alert" className="error">
            {failure.message}
            <button type="button" onClick={() => void send(failure.retry, true)}>Retry</button>
          </div>
        )}
        <form onSubmit={(e) => { e.preventDefault(); void send(draft); }}>
          <label htmlFor="message" className="sr-only">Message</label>
          <textarea id="message" ref={input} value={draft} rows={2} autoFocus maxLength={4000}
            placeholder="Message your todo assistant" onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} />
          <button type="submit" disabled={pending || !draft.trim()}>Send</button>
        </form>
      </section>
      <TaskList version={tasksVersion} onChanged={() => setTasksVersion((v) => v + 1)} />
    </div>
  );
}
