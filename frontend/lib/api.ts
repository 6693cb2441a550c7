// The browser's side of the same-origin proxy: every call goes to /api/todo/... .

export type Task = {
  id: number;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
};
export type ToolCall = { name: string; arguments: unknown; result: unknown };
export type ChatReply = { conversation_id: number; response: string; tool_calls: ToolCall[] };
export type Conversation = { id: number; created_at: string; updated_at: string };
export type Message = { role: "user" | "assistant"; content: string; created_at: string };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly conversationId?: number,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api/todo/${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  if (response.status === 401) {
    // The session ended: a full load of the sign-in page, not a client-side transition.
    window.location.replace("/sign-in");
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(body.detail ?? `Request failed (${response.status})`, response.status, body.conversation_id);
  }
  return body as T;
}

export const api = {
  chat: (message: string, conversationId?: number) =>
    call<ChatReply>("chat", { method: "POST", body: JSON.stringify({ message, conversation_id: conversationId }) }),
  tasks: (status: "all" | "pending" | "completed") => call<Task[]>(`tasks?status=${status}`),
  complete: (id: number) => call<Task>(`tasks/${id}/complete`, { method: "PATCH" }),
  remove: (id: number) => call<void>(`tasks/${id}`, { method: "DELETE" }),
  rename: (id: number, title: string) => call<Task>(`tasks/${id}`, { method: "PUT", body: JSON.stringify({ title }) }),
  conversations: () => call<Conversation[]>("conversations"),
  messages: (id: number) => call<Message[]>(`conversations/${id}/messages`),
};
