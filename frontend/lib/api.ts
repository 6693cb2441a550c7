// The browser's side of the same-origin proxy: every call goes to /api/todo/... .
import { createSseParser } from "./sse";
import type { ToolCall } from "./chips";

export type { ToolCall } from "./chips";
export type Task = {
  id: number;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
};
export type ChatReply = { conversation_id: number; response: string; tool_calls: ToolCall[] };
export type Conversation = { id: number; title?: string | null; created_at: string; updated_at: string };
export type Message = { role: "user" | "assistant"; content: string; created_at: string; tool_calls?: ToolCall[] };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly conversationId?: number,
  ) {
    super(message);
  }
}

/// The sentence an error body carries: `{"error": ...}` (todo-chat) or `{"detail": ...}`.
function errorOf(body: { error?: unknown; detail?: unknown }, status: number): string {
  const text = typeof body.error === "string" ? body.error : typeof body.detail === "string" ? body.detail : undefined;
  return text ?? `Request failed (${status})`;
}

function signedOut(response: Response) {
  if (response.status === 401) {
    // The session ended: a full load of the sign-in page, not a client-side transition.
    window.location.replace("/sign-in");
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api/todo/${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  signedOut(response);
  if (response.status === 204) {
    return undefined as T;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(errorOf(body, response.status), response.status, body.conversation_id);
  }
  return body as T;
}

export type TurnHandlers = {
  onConversation?: (id: number) => void;
  onToolCall?: (call: ToolCall) => void;
  onText?: (delta: string) => void;
};

export type Turn = { message: string; conversationId?: number; clientMessageId: string };

/// One chat turn. Asks for a stream (`Accept: text/event-stream`) and reports the tool calls and
/// the text as they arrive; a JSON answer (a server that does not stream) is reported the same
/// way at once. Resolves with the final answer; `signal` aborts the request (Stop).
export async function chatTurn(turn: Turn, handlers: TurnHandlers, signal?: AbortSignal): Promise<ChatReply> {
  const response = await fetch("/api/todo/chat", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream, application/json" },
    body: JSON.stringify({ message: turn.message, conversation_id: turn.conversationId, client_message_id: turn.clientMessageId }),
    signal,
  });
  signedOut(response);
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !type.includes("text/event-stream") || !response.body) {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(errorOf(body, response.status), response.status, body.conversation_id);
    const reply = body as ChatReply;
    handlers.onConversation?.(reply.conversation_id);
    for (const c of reply.tool_calls ?? []) handlers.onToolCall?.(c);
    handlers.onText?.(reply.response);
    return reply;
  }

  let conversationId: number | undefined;
  let final: ChatReply | undefined;
  let failure: ApiError | undefined;
  const parser = createSseParser(({ event, data }) => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    if (event === "conversation" && typeof value.conversation_id === "number") {
      conversationId = value.conversation_id;
      handlers.onConversation?.(conversationId);
    } else if (event === "tool_call") handlers.onToolCall?.(value as ToolCall);
    else if (event === "text" && typeof value.delta === "string") handlers.onText?.(value.delta);
    else if (event === "done") final = value as ChatReply;
    else if (event === "error")
      failure = new ApiError(
        errorOf(value, Number(value.status) || 502),
        Number(value.status) || 502,
        typeof value.conversation_id === "number" ? value.conversation_id : conversationId,
      );
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.push(value);
  }
  parser.end();
  if (failure) throw failure;
  if (!final) throw new ApiError("The reply was cut off; try again.", 502, conversationId);
  return final;
}

export type TaskChanges = { title?: string; description?: string; completed?: boolean };

export const api = {
  tasks: () => call<Task[]>("tasks?status=all&limit=500"),
  complete: (id: number) => call<Task>(`tasks/${id}/complete`, { method: "PATCH" }),
  update: (id: number, changes: TaskChanges) => call<Task>(`tasks/${id}`, { method: "PUT", body: JSON.stringify(changes) }),
  remove: (id: number) => call<void>(`tasks/${id}`, { method: "DELETE" }),
  conversations: () => call<Conversation[]>("conversations"),
  messages: (id: number) => call<Message[]>(`conversations/${id}/messages`),
  renameConversation: (id: number, title: string) =>
    call<Conversation>(`conversations/${id}`, { method: "PATCH", body: JSON.stringify({ title }) }),
  deleteConversation: (id: number) => call<void>(`conversations/${id}`, { method: "DELETE" }),
};

/// A task's DELETE that must outlive the page (a pending Undo when the tab closes).
export function removeOnUnload(id: number) {
  void fetch(`/api/todo/tasks/${id}`, { method: "DELETE", keepalive: true });
}

/** Better Auth's sign-out endpoint; the chat page needs no auth client library for it. */
export async function endSession(): Promise<void> {
  await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}
