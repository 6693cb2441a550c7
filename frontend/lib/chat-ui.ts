// Which chat UI the page shows (docs/chatkit.md): the app's own widget (the default), or
// OpenAI's ChatKit web component talking to todo-chat's ChatKit server protocol through the
// same-origin proxy /api/chatkit, with a fallback to the own widget when ChatKit can't load.
//
// Read on the server at request time (app/page.tsx is dynamic), so one prebuilt image serves
// either mode: CHAT_UI=chatkit, or NEXT_PUBLIC_CHAT_UI=chatkit (the name the issue suggested;
// read here from the process environment, not inlined at build time). CHAT_UI wins when both
// are set. CHATKIT_DOMAIN_KEY is ChatKit's `domainKey` (OpenAI's domain allow-list); it has no
// default.
import type { ChatKitOptions } from "@openai/chatkit";

export type ChatUiConfig =
  | { mode: "widget"; warning?: string }
  | { mode: "chatkit"; domainKey: string; warning?: string };

type Env = Record<string, string | undefined>;

/** The chat UI the environment asks for. Unknown values fall back to the own widget, with a warning. */
export function chatUiConfig(env: Env): ChatUiConfig {
  const raw = (env.CHAT_UI?.trim() || env.NEXT_PUBLIC_CHAT_UI?.trim() || "").toLowerCase();
  if (raw === "chatkit") {
    const domainKey = env.CHATKIT_DOMAIN_KEY?.trim() ?? "";
    return domainKey
      ? { mode: "chatkit", domainKey }
      : { mode: "chatkit", domainKey: "", warning: "CHATKIT_DOMAIN_KEY is not set; ChatKit checks it on any domain but localhost (docs/chatkit.md)" };
  }
  if (raw === "" || raw === "widget" || raw === "builtin" || raw === "built-in") return { mode: "widget" };
  return { mode: "widget", warning: `CHAT_UI=${JSON.stringify(raw)} is not a chat UI (widget or chatkit); using the built-in widget` };
}

/** ChatKit's web component: it is only published on OpenAI's CDN (not in the npm packages). */
export const CHATKIT_SCRIPT_URL = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";
/** The custom element the script defines. */
export const CHATKIT_ELEMENT = "openai-chatkit";
/** How long the page waits for the element to be defined before it falls back. */
export const CHATKIT_LOAD_TIMEOUT_MS = 5000;
/** The same-origin proxy route (app/api/chatkit/route.ts). */
export const CHATKIT_API_URL = "/api/chatkit";

export type ChatKitLoad = { ok: true } | { ok: false; reason: "script-error" | "timeout" };

/**
 * Waits for ChatKit's custom element: ok once it is defined; a failure when the script does not
 * load (`loadScript` rejects) or the element is still undefined after `timeoutMs`.
 */
export function waitForChatKit(deps: {
  loadScript: () => Promise<void>;
  whenDefined: () => Promise<unknown>;
  timeoutMs?: number;
}): Promise<ChatKitLoad> {
  const timeoutMs = deps.timeoutMs ?? CHATKIT_LOAD_TIMEOUT_MS;
  return new Promise<ChatKitLoad>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: "timeout" }), timeoutMs);
    const settle = (result: ChatKitLoad) => {
      clearTimeout(timer);
      resolve(result);
    };
    deps.whenDefined().then(() => settle({ ok: true }), () => settle({ ok: false, reason: "script-error" }));
    deps.loadScript().catch(() => settle({ ok: false, reason: "script-error" }));
  });
}

/** What the page says when it falls back to the own widget. */
export function fallbackNotice(reason: "script-error" | "timeout"): string {
  return reason === "timeout"
    ? "ChatKit did not start in time; using the built-in chat."
    : "ChatKit could not load; using the built-in chat.";
}

/** ChatKit's options for todo-chat's server protocol behind the same-origin proxy. */
export function chatKitOptions(domainKey: string): ChatKitOptions {
  return {
    api: { url: CHATKIT_API_URL, domainKey },
    theme: { colorScheme: "light" },
    frameTitle: "Todo assistant chat",
    history: { enabled: true, showDelete: true, showRename: true },
    startScreen: {
      greeting: "What needs doing?",
      prompts: [
        { label: "Add a task", prompt: "add a task to buy milk" },
        { label: "What's pending?", prompt: "what's pending?" },
      ],
    },
    composer: { placeholder: "Message your todo assistant" },
  };
}
