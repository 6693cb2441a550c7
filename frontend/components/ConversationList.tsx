"use client";
import { useEffect, useRef, useState } from "react";
import { api, ApiError, type Conversation } from "@/lib/api";
import { localTime, relativeTime } from "@/lib/time";
import Icon from "./Icon";

export function conversationTitle(c: Conversation): string {
  return c.title?.trim() || "New conversation";
}

type Props = {
  id: string;
  active: boolean;
  conversations: Conversation[];
  current?: number;
  onOpen: (id: number | undefined) => void;
  onChanged: () => void;
  onDeleted: (id: number) => void;
};

/// Past conversations, newest first: title, relative time, rename (Enter saves, Escape
/// cancels) and delete (asks once, inline).
export default function ConversationList({ id, active, conversations, current, onOpen, onChanged, onDeleted }: Props) {
  const [renaming, setRenaming] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => new Date());
  const focusAfter = useRef<string | null>(null);

  // Relative times stay true while the page is open.
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (focusAfter.current) {
      document.getElementById(focusAfter.current)?.focus();
      focusAfter.current = null;
    }
  });

  async function rename(c: Conversation, title: string) {
    const trimmed = title.trim();
    setRenaming(null);
    focusAfter.current = `conversation-${c.id}`;
    if (!trimmed || trimmed === conversationTitle(c)) return;
    try {
      setError(null);
      await api.renameConversation(c.id, trimmed.slice(0, 200));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not rename the conversation.");
    }
    onChanged();
  }

  async function remove(c: Conversation) {
    setConfirming(null);
    focusAfter.current = "new-conversation";
    try {
      setError(null);
      await api.deleteConversation(c.id);
      onDeleted(c.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not delete the conversation.");
    }
    onChanged();
  }

  return (
    <nav id={id} aria-label="Conversations" className="conversations panel" data-active={active}>
      <button type="button" id="new-conversation" className="new" onClick={() => onOpen(undefined)}>+ New conversation</button>
      {error && <p role="alert" className="error">{error}</p>}
      {conversations.length === 0 ? (
        <p className="empty">Your conversations will be listed here.</p>
      ) : (
        <ul>
          {conversations.map((c) => (
            <li key={c.id} className="conversation" data-testid="conversation" aria-current={c.id === current ? "true" : undefined}>
              {renaming === c.id ? (
                <form onSubmit={(e) => { e.preventDefault(); void rename(c, String(new FormData(e.currentTarget).get("title"))); }}
                  onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); setRenaming(null); focusAfter.current = `rename-${c.id}`; } }}>
                  <label className="sr-only" htmlFor={`conversation-title-${c.id}`}>New name for {conversationTitle(c)}</label>
                  <input id={`conversation-title-${c.id}`} name="title" defaultValue={c.title ?? ""} maxLength={200} required autoFocus />
                  <div className="row">
                    <button type="submit" className="primary small">Save</button>
                    <button type="button" className="small" onClick={() => { setRenaming(null); focusAfter.current = `rename-${c.id}`; }}>Cancel</button>
                  </div>
                </form>
              ) : confirming === c.id ? (
                <div className="confirm" role="group" aria-label={`Delete ${conversationTitle(c)}?`}>
                  <span>Delete &ldquo;{conversationTitle(c)}&rdquo;?</span>
                  <div className="row">
                    <button type="button" className="danger small" autoFocus onClick={() => void remove(c)}>Delete</button>
                    <button type="button" className="small" onClick={() => { setConfirming(null); focusAfter.current = `delete-${c.id}`; }}>Keep</button>
                  </div>
                </div>
              ) : (
                <>
                  <button type="button" id={`conversation-${c.id}`} className="open" aria-current={c.id === current ? "page" : undefined}
                    onClick={() => onOpen(c.id)}>
                    <span className="title" title={conversationTitle(c)}>{conversationTitle(c)}</span>
                    <time dateTime={c.updated_at} title={localTime(c.updated_at)}>{relativeTime(c.updated_at, now)}</time>
                  </button>
                  <span className="actions">
                    <button type="button" id={`rename-${c.id}`} className="icon" data-tip="Rename" aria-label={`Rename ${conversationTitle(c)}`}
                      onClick={() => setRenaming(c.id)}><Icon name="edit" /></button>
                    <button type="button" id={`delete-${c.id}`} className="icon" data-tip="Delete" aria-label={`Delete ${conversationTitle(c)}`}
                      onClick={() => setConfirming(c.id)}><Icon name="trash" /></button>
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
