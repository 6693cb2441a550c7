import { afterEach, describe, expect, it, vi } from "vitest";
import { chatKitOptions, chatUiConfig, fallbackNotice, waitForChatKit } from "@/lib/chat-ui";

describe("the chat UI choice", () => {
  it("is the built-in widget by default", () => {
    expect(chatUiConfig({})).toEqual({ mode: "widget" });
    expect(chatUiConfig({ CHAT_UI: "widget" })).toEqual({ mode: "widget" });
    expect(chatUiConfig({ CHAT_UI: " " })).toEqual({ mode: "widget" });
  });

  it("is ChatKit with CHAT_UI or NEXT_PUBLIC_CHAT_UI, with the domain key from CHATKIT_DOMAIN_KEY", () => {
    expect(chatUiConfig({ CHAT_UI: "chatkit", CHATKIT_DOMAIN_KEY: "domain_pk_1" })).toEqual({ mode: "chatkit", domainKey: "domain_pk_1" });
    expect(chatUiConfig({ NEXT_PUBLIC_CHAT_UI: "ChatKit", CHATKIT_DOMAIN_KEY: " domain_pk_2 " })).toEqual({ mode: "chatkit", domainKey: "domain_pk_2" });
  });

  it("lets CHAT_UI win over NEXT_PUBLIC_CHAT_UI", () => {
    expect(chatUiConfig({ CHAT_UI: "widget", NEXT_PUBLIC_CHAT_UI: "chatkit" }).mode).toBe("widget");
    expect(chatUiConfig({ CHAT_UI: "chatkit", NEXT_PUBLIC_CHAT_UI: "widget", CHATKIT_DOMAIN_KEY: "k" }).mode).toBe("chatkit");
  });

  it("has no default domain key, and says so", () => {
    const ui = chatUiConfig({ CHAT_UI: "chatkit" });
    expect(ui).toMatchObject({ mode: "chatkit", domainKey: "" });
    expect(ui.warning).toMatch(/CHATKIT_DOMAIN_KEY is not set/);
  });

  it("falls back to the widget on an unknown value, with a warning", () => {
    const ui = chatUiConfig({ CHAT_UI: "chatkitt" });
    expect(ui.mode).toBe("widget");
    expect(ui.warning).toMatch(/"chatkitt" is not a chat UI/);
  });

  it("points ChatKit at the same-origin proxy with the domain key", () => {
    const options = chatKitOptions("domain_pk_1");
    expect(options.api).toEqual({ url: "/api/chatkit", domainKey: "domain_pk_1" });
  });
});

describe("waiting for ChatKit's element", () => {
  afterEach(() => vi.useRealTimers());
  const never = () => new Promise<never>(() => undefined);

  it("is ready once the element is defined", async () => {
    const result = await waitForChatKit({ loadScript: async () => undefined, whenDefined: async () => undefined, timeoutMs: 1000 });
    expect(result).toEqual({ ok: true });
  });

  it("fails at once when the script does not load", async () => {
    const result = await waitForChatKit({ loadScript: async () => { throw new Error("blocked"); }, whenDefined: never, timeoutMs: 60_000 });
    expect(result).toEqual({ ok: false, reason: "script-error" });
    expect(fallbackNotice("script-error")).toBe("ChatKit could not load; using the built-in chat.");
  });

  it("times out when the script loads but never defines the element", async () => {
    vi.useFakeTimers();
    const pending = waitForChatKit({ loadScript: async () => undefined, whenDefined: never, timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(4999);
    let settled = false;
    void pending.then(() => { settled = true; });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ ok: false, reason: "timeout" });
    expect(fallbackNotice("timeout")).toMatch(/did not start in time; using the built-in chat/);
  });
});
