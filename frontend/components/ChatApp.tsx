"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, chatTurn, type Conversation, type Message, type ToolCall, type Turn } from "@/lib/api";
import { changesTasks, describeToolCall, failed } from "@/lib/chips";
import { Formatted } from "./Formatted";
import ConversationList from "./ConversationList";
import TaskList from "./TaskList";
import TopBar from "./TopBar";
import Tabs, { type TabSpec } from "./Tabs";
import Icon from "./Icon";

export { Formatted } from "./Formatted";

type Bubble = {
  key: string;
  role: "user" | "assistant";
  content: string;
  calls: ToolCall[];
  state?: "streaming" | "stopped";
};
type Failure = { message: string; retry: Turn };
type Tab = "chat" | "tasks" | "history";

let keys = 0;
const nextKey = () => `b${++keys}`;

function rememberConversation(id?: number) {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set("c", String(id));
  else url.searchParams.delete("c");
  window.history.replaceState(null, "", url);
}

function fromMessages(messages: Message[]): Bubble[] {
  return messages.map((m) => ({ key: nextKey(), role: m.role, content: m.content, calls: m.tool_calls ?? [] }));
}

function newId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function Chips({ calls }: { calls: ToolCall[] }) {
  if (calls.length === 0) return null;
  return (
    <ul className="chips" aria-label="What the assistant did">
      {calls.map((c, i) => (
        <li key={i} className={`chip${failed(c) ? " failed" : ""}`} data-testid="chip">{describeToolCall(c)}</li>
      ))}
    </ul>
  );
}

/// `notice`: a sentence shown above the chat log (ChatKit mode's fallback says why it is here).
export default function ChatApp({ userName, initialConversation, notice }: { userName: string; initialConversation?: number; notice?: string }) {
  const [conversationId, setConversationId] = useState<number | undefined>(initialConversation);
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [draft, setDraft] = useState("");
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [tasksVersion, setTasksVersion] = useState(0);
  const [tab, setTab] = useState<Tab>("chat");
  const [unseen, setUnseen] = useState(0);
  const tabRef = useRef<Tab>("chat");
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const controller = useRef<AbortController | null>(null);

  const loadConversations = useCallback(() => {
    api.conversations().then(setConversations).catch(() => undefined);
  }, []);

  function show(next: Tab) {
    tabRef.current = next;
    setTab(next);
    if (next === "tasks") setUnseen(0);
  }

  const open = useCallback(async (id: number | undefined) => {
    controller.current?.abort();
    setFailure(null);
    setConversationId(id);
    rememberConversation(id);
    tabRef.current = "chat";
    setTab("chat");
    stick.current = true;
    setBubbles([]);
    if (id) {
      try {
        setBubbles(fromMessages(await api.messages(id)));
      } catch {
        rememberConversation(undefined);
        setConversationId(undefined);
      }
    }
    input.current?.focus();
  }, []);

  // A reload (?c=12) reopens the conversation it showed.
  useEffect(() => {
    if (initialConversation) {
      api.messages(initialConversation).then((m) => setBubbles(fromMessages(m))).catch(() => {
        // Gone (deleted, or another user's): start afresh.
        rememberConversation(undefined);
        setConversationId(undefined);
      });
    }
    loadConversations();
  }, [initialConversation, loadConversations]);

  // The log follows new text unless the reader has scrolled up.
  useEffect(() => {
    const el = log.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [bubbles]);

  function onScroll() {
    const el = log.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  function updateLast(key: string, change: (b: Bubble) => Bubble) {
    setBubbles((all) => all.map((b) => (b.key === key ? change(b) : b)));
  }

  async function send(turn: Turn, isRetry = false) {
    if (!turn.message || pending) return;
    setFailure(null);
    const key = nextKey();
    stick.current = true;
    setBubbles((b) => [
      ...(isRetry ? b : [...b, { key: nextKey(), role: "user" as const, content: turn.message, calls: [] }]),
      { key, role: "assistant", content: "", calls: [], state: "streaming" },
    ]);
    if (!isRetry) setDraft("");
    setPending(true);
    const abort = new AbortController();
    controller.current = abort;
    let changed = 0;
    let conversation = turn.conversationId;
    try {
      const reply = await chatTurn(
        turn,
        {
          onConversation: (id) => {
            conversation = id;
            setConversationId(id);
            rememberConversation(id);
          },
          onToolCall: (c) => {
            if (changesTasks(c)) changed += 1;
            updateLast(key, (b) => ({ ...b, calls: [...b.calls, c] }));
          },
          onText: (delta) => updateLast(key, (b) => ({ ...b, content: b.content + delta })),
        },
        abort.signal,
      );
      // The final answer is the reference: the stream's pieces add up to it (and a replayed
      // turn, a Retry of one that had finished, brings only this).
      if (reply.tool_calls) changed = reply.tool_calls.filter(changesTasks).length;
      updateLast(key, (b) => ({ ...b, content: reply.response, calls: reply.tool_calls ?? b.calls, state: undefined }));
    } catch (error) {
      if (abort.signal.aborted) {
        updateLast(key, (b) => ({ ...b, state: "stopped" }));
      } else {
        // What did arrive stays (without the typing mark); an empty reply goes.
        setBubbles((all) => all.filter((b) => b.key !== key || b.content || b.calls.length));
        updateLast(key, (b) => ({ ...b, state: undefined }));
        const detail = error instanceof ApiError ? error.message : "Something went wrong; try again.";
        if (error instanceof ApiError && error.conversationId) {
          conversation = error.conversationId;
          setConversationId(conversation);
          rememberConversation(conversation);
        }
        setFailure({ message: detail, retry: { ...turn, conversationId: conversation } });
      }
    } finally {
      if (controller.current === abort) controller.current = null;
      setPending(false);
      setTasksVersion((v) => v + 1);
      if (changed > 0 && tabRef.current !== "tasks") setUnseen((n) => n + changed);
      loadConversations();
      input.current?.focus();
    }
  }

  function submit() {
    const message = draft.trim();
    if (!message) return;
    void send({ message, conversationId, clientMessageId: newId() });
  }

  function stop() {
    controller.current?.abort();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!pending) submit();
    } else if (event.key === "Escape" && pending) {
      event.preventDefault();
      stop();
    }
  }

  const badge = unseen > 0 && (
    <>
      <span className="badge" aria-hidden="true" data-testid="tasks-badge">{unseen}</span>
      <span className="sr-only">, {unseen} new {unseen === 1 ? "change" : "changes"}</span>
    </>
  );
  const tabs: TabSpec<Tab>[] = [
    { value: "chat", label: "Chat" },
    { value: "tasks", label: "Tasks", extra: badge },
    { value: "history", label: "Conversations" },
  ];

  return (
    <div className="app" data-tab={tab}>
      <TopBar userName={userName} />
      <Tabs tabs={tabs} selected={tab} onSelect={show} />
      <ConversationList id="panel-history" active={tab === "history"} conversations={conversations} current={conversationId}
        onOpen={(id) => void open(id)} onChanged={loadConversations}
        onDeleted={(id) => { if (id === conversationId) void open(undefined); }} />
      <section id="panel-chat" className="chat panel" data-active={tab === "chat"} aria-label="Chat">
        {notice && <p role="status" className="notice" data-testid="chat-notice">{notice}</p>}
        <ol ref={log} className="log" aria-live="polite" aria-relevant="additions text" aria-busy={pending} onScroll={onScroll}
          tabIndex={0} aria-label="Messages">
          {bubbles.length === 0 && (
            <li className="hint">Try &ldquo;add a task to buy milk&rdquo;, &ldquo;what&rsquo;s pending?&rdquo; or &ldquo;I called mom&rdquo;.</li>
          )}
          {bubbles.map((b) => (
            <li key={b.key} className={`bubble ${b.role}${b.state ? ` ${b.state}` : ""}`} aria-busy={b.state === "streaming" || undefined}>
              <span className="sr-only">{b.role === "user" ? "You said:" : "Assistant:"}</span>
              <Chips calls={b.calls} />
              {b.content && <Formatted text={b.content} />}
              {b.state === "streaming" && !b.content && <span className="typing" aria-label="Assistant is typing">…</span>}
              {b.state === "stopped" && <p className="note">Stopped.</p>}
            </li>
          ))}
        </ol>
        {failure && (
          <div role="alert" className="error">
            <span>{failure.message}</span>
            <button type="button" onClick={() => void send(failure.retry, true)}>Retry</button>
          </div>
        )}
        <form className="composer" onSubmit={(e) => { e.preventDefault(); if (!pending) submit(); }}>
          <label htmlFor="message" className="sr-only">Message</label>
          <textarea id="message" ref={input} value={draft} rows={2} autoFocus maxLength={4000}
            placeholder="Message your todo assistant" onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} />
          {pending ? (
            <button type="button" className="stop" onClick={stop} title="Stop (Esc)"><Icon name="stop" /> Stop</button>
          ) : (
            <button type="submit" className="primary" disabled={!draft.trim()}><Icon name="send" /> Send</button>
          )}
        </form>
      </section>
      <TaskList id="panel-tasks" active={tab === "tasks"} version={tasksVersion}
        onChanged={() => undefined} />
    </div>
  );
}
