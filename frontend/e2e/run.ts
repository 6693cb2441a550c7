// End to end in a real browser: Debian's Chromium driven by playwright-core against the
// running stack (E2E_BASE_URL), at a desktop size (1280x800) and a phone size (390x844).
// One screenshot per step into E2E_ARTIFACTS; an axe-core scan of every page and state; the
// layout facts of specs/frontend.md measured in the browser. E2E_ONLY=<regex> runs only the
// suites whose name matches.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = require("axe-core").source;

const base = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
/// The same app started in ChatKit mode (CHAT_UI=chatkit); without it the chatkit suite is skipped.
const chatkitBase = process.env.E2E_CHATKIT_URL;
/// ChatKit's script on OpenAI's CDN (lib/chat-ui.ts CHATKIT_SCRIPT_URL), blocked in the chatkit suite.
const CHATKIT_CDN = "https://cdn.platform.openai.com/**";
const artifacts = process.env.E2E_ARTIFACTS ?? path.join(process.cwd(), "..", "artifacts", "e2e");
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : undefined;
fs.mkdirSync(artifacts, { recursive: true });

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/// TaskList's UNDO_MS, and a margin.
const UNDO_MS = 6000;

const stamp = Date.now();
const user = (name: string) => ({ name, email: `${name}-${stamp}@example.com`, password: `${name}-correct-horse-battery` });

class Failure extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Failure(message);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(what: string, get: () => Promise<T>, ok: (value: T) => boolean, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await get();
  while (!ok(value)) {
    check(Date.now() < deadline, `${what}: still ${JSON.stringify(value)} after ${timeout} ms`);
    await sleep(150);
    value = await get();
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Accessibility: axe-core in the page; no serious or critical violation.
const scanned: string[] = [];
async function axe(page: Page, label: string) {
  await page.mouse.move(0, 0);
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error injected above
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  });
  check(violations.length === 0, `axe on ${label}:\n  ${violations.join("\n  ")}`);
  scanned.push(label);
}

// ---------------------------------------------------------------------------------------------
// Layout facts.
type Box = { top: number; bottom: number; left: number; right: number; width: number; height: number };

/// The window never scrolls past the app; header and message box are on screen.
async function layoutFacts(page: Page, where: string, { composer = true } = {}) {
  const facts = await page.evaluate(() => {
    const rect = (sel: string) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
    };
    return {
      scrollHeight: document.scrollingElement!.scrollHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
      header: rect("header.top"),
      message: rect("#message"),
      send: rect(".composer button"),
      devBadge: !!document.querySelector("nextjs-portal, [data-nextjs-toast], #__next-build-watcher"),
    };
  });
  check(facts.scrollHeight <= facts.innerHeight, `${where}: the window scrolls (${facts.scrollHeight} > ${facts.innerHeight})`);
  check(facts.scrollWidth <= facts.innerWidth, `${where}: the window scrolls sideways (${facts.scrollWidth} > ${facts.innerWidth})`);
  check(facts.header && facts.header.top >= 0 && facts.header.bottom <= facts.innerHeight && facts.header.height > 0, `${where}: the header is not on screen`);
  check(!facts.devBadge, `${where}: the Next.js dev badge is on the page`);
  if (composer) {
    const m = facts.message;
    check(m && m.height > 0 && m.top >= 0 && m.bottom <= facts.innerHeight && m.right <= facts.innerWidth, `${where}: the message box is outside the viewport: ${JSON.stringify(m)}`);
    const s = facts.send!;
    check(Math.abs(s.top - m.top) <= 1 && Math.abs(s.bottom - m.bottom) <= 1, `${where}: Send (${s.top}-${s.bottom}) is not aligned with the box (${m.top}-${m.bottom})`);
  }
}

/// Whatever is drawn on top anywhere over the visible task list belongs to it (nothing covers
/// it), and on the desktop no other column intersects it.
async function nothingOverlapsTasks(page: Page, where: string) {
  await page.mouse.move(0, 0);
  const problems = await page.evaluate(() => {
    const panel = document.querySelector("#panel-tasks")!;
    const r = panel.getBoundingClientRect();
    const out: string[] = [];
    const top = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, window.innerHeight);
    if (r.width === 0 || bottom <= top) return ["the task list is not visible"];
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 10; j++) {
        const x = r.left + ((i + 0.5) * r.width) / 6;
        const y = top + ((j + 0.5) * (bottom - top)) / 10;
        const hit = document.elementFromPoint(x, y);
        if (hit && !panel.contains(hit)) out.push(`${hit.tagName.toLowerCase()}.${hit.className} at ${Math.round(x)},${Math.round(y)}`);
      }
    for (const sel of ["#panel-chat", "#panel-history", "header.top", ".tabs"]) {
      const other = document.querySelector(sel);
      if (!other) continue;
      const o = other.getBoundingClientRect();
      if (o.width === 0 || o.height === 0) continue;
      const overlap = Math.min(o.right, r.right) - Math.max(o.left, r.left) > 0.5 && Math.min(o.bottom, r.bottom) - Math.max(o.top, r.top) > 0.5;
      if (overlap) out.push(`${sel} intersects the task list`);
    }
    return out;
  });
  check(problems.length === 0, `${where}: something overlaps the task list: ${problems.slice(0, 5).join("; ")}`);
}

/// An element's text fits on one line.
async function oneLine(page: Page, selector: string, where: string) {
  const { height, line } = await page.locator(selector).first().evaluate((el) => ({
    height: el.getBoundingClientRect().height,
    line: parseFloat(getComputedStyle(el).lineHeight) || 22,
  }));
  check(height < line * 1.5, `${where}: "${selector}" wraps (${height}px for a ${line}px line)`);
}

/// The JavaScript this page load fetched, as transferred (compressed) and as parsed.
async function firstLoadJs(page: Page): Promise<string> {
  const js = await page.evaluate(() =>
    performance.getEntriesByType("resource")
      .filter((e) => (e as PerformanceResourceTiming).initiatorType === "script" || e.name.endsWith(".js"))
      .reduce((sum, e) => ({ transferred: sum.transferred + (e as PerformanceResourceTiming).encodedBodySize, parsed: sum.parsed + (e as PerformanceResourceTiming).decodedBodySize }), { transferred: 0, parsed: 0 }),
  );
  return `${(js.transferred / 1024).toFixed(1)} kB transferred, ${(js.parsed / 1024).toFixed(1)} kB parsed`;
}

// ---------------------------------------------------------------------------------------------
// The app, as a user drives it.
async function signUp(page: Page, who: { name: string; email: string; password: string }, origin = base) {
  await page.goto(`${origin}/`);
  await page.waitForURL("**/sign-in");
  await page.getByRole("button", { name: "No account? Sign up" }).click();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.locator("#tasks-heading").waitFor({ state: "attached" });
  await page.locator("#message").waitFor();
}

const replies = (page: Page) => page.locator(".bubble.assistant:not(.streaming)");

/// Says something and waits for the whole reply; returns the chat response's content type.
async function say(page: Page, text: string): Promise<string> {
  const before = await replies(page).count();
  await page.getByLabel("Message", { exact: true }).fill(text);
  const response = page.waitForResponse((r) => r.url().endsWith("/api/todo/chat") && r.request().method() === "POST");
  await page.keyboard.press("Enter");
  const type = (await response).headers()["content-type"] ?? "";
  await page.waitForFunction((n) => document.querySelectorAll(".bubble.assistant:not(.streaming)").length > n, before);
  return type;
}

const task = (page: Page, title: string) => page.getByTestId("task").filter({ hasText: title });

async function apiTasks(page: Page, origin = base): Promise<{ id: number; title: string; description: string | null; completed: boolean }[]> {
  const response = await page.request.get(`${origin}/api/todo/tasks?status=all&limit=500`);
  check(response.status() === 200, `GET tasks: ${response.status()}`);
  return response.json();
}

async function addTask(page: Page, title: string) {
  const response = await page.request.post(`${base}/api/todo/tasks`, { data: { title } });
  check(response.status() === 201, `POST task ${title}: ${response.status()}`);
}

/// What names the focused element: its aria-label, "input:<name>" for a field, or its text.
async function focusedName(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "";
    const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? `input:${el.name || el.id}` : "";
    return (el.getAttribute("aria-label") || field || el.textContent || "").trim();
  });
}

/// Presses Tab until the focused element's name matches (the keyboard reaches it), at most `max` times.
async function tabTo(page: Page, name: RegExp, max = 40) {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await focusedName(page);
    if (name.test(focused)) return;
    seen.push(focused);
  }
  throw new Failure(`Tab never reached ${name}; it went through ${seen.slice(0, 20).join(" | ")}`);
}

// ---------------------------------------------------------------------------------------------
/// A chat endpoint that streams the start of a turn and then waits, as a slow model would.
async function slowStream() {
  const state = { closed: false, accept: "", url: "", server: undefined as unknown as http.Server };
  state.server = http.createServer((request, response) => {
    state.accept = String(request.headers.accept ?? "");
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("tool_call", { name: "add_task", arguments: { title: "call the bank" }, result: { task_id: 99, status: "created", title: "call the bank" } });
    setTimeout(() => send("text", { delta: "Adding that now" }), 200);
    setTimeout(() => send("text", { delta: ", one moment" }), 400);
    response.on("close", () => { state.closed = true; });
  });
  await new Promise<void>((resolve) => state.server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/chat`;
  return state;
}

// ---------------------------------------------------------------------------------------------
type Step = { name: string; run: (page: Page) => Promise<void> };
type Suite = { name: string; viewport: { width: number; height: number }; steps: Step[] };

const alice = user("alice");
const bob = user("bob");
const pat = user("pat");
const kim = user("kim");
const cara = user("cara");
const report: string[] = [];

const desktop: Suite = {
  name: "desktop",
  viewport: DESKTOP,
  steps: [
    {
      name: "sign-in-page",
      run: async (page) => {
        await page.goto(`${base}/sign-in`);
        await page.getByText("At least 8 characters.").waitFor();
        const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
        check(icon, "no favicon link");
        const favicon = await page.request.get(new URL(icon, base).toString());
        check(favicon.status() === 200 && /image\//.test(favicon.headers()["content-type"] ?? ""), `favicon: ${favicon.status()}`);
        await axe(page, "sign-in (desktop)");
      },
    },
    {
      name: "sign-in-error-cleared-on-switch",
      run: async (page) => {
        await page.getByLabel("Email").fill(alice.email);
        await page.getByLabel("Password").fill("wrong-password-123");
        await page.getByRole("button", { name: "Sign in" }).click();
        const error = page.locator("#auth-error[role=alert]");
        await error.waitFor();
        check(/invalid/i.test((await error.textContent()) ?? ""), `the sign-in error says ${await error.textContent()}`);
        await axe(page, "sign-in with an error (desktop)");
        await page.getByRole("button", { name: "No account? Sign up" }).click();
        await page.getByRole("heading", { name: "Create an account" }).waitFor();
        check((await error.count()) === 0, "the sign-in error is still shown after switching to sign-up");
        await axe(page, "sign-up (desktop)");
      },
    },
    {
      name: "sign-up-busy-then-chat",
      run: async (page) => {
        // Hold the sign-up request so the busy state can be seen.
        await page.route("**/api/auth/sign-up/email", async (route) => { await sleep(1200); await route.continue(); });
        await page.getByLabel("Email").fill(alice.email);
        await page.getByLabel("Password").fill(alice.password);
        await page.getByRole("button", { name: "Sign up" }).click();
        const busy = page.getByRole("button", { name: "Creating your account…" });
        await busy.waitFor();
        check(await busy.isDisabled(), "the busy submit button is not disabled");
        await page.locator("#message").waitFor();
        await page.unroute("**/api/auth/sign-up/email");
        await layoutFacts(page, "empty chat (desktop)");
        await axe(page, "chat, empty (desktop)");
        report.push(`first-load JS (sign-in + chat pages): ${await firstLoadJs(page)}`);
      },
    },
    {
      name: "add-by-chat-with-chip",
      run: async (page) => {
        const type = await say(page, "add a task to buy milk");
        check(type.includes("text/event-stream"), `the chat answer was not streamed (${type})`);
        await task(page, "buy milk").waitFor();
        const chip = replies(page).last().getByTestId("chip");
        await chip.first().waitFor();
        const chipText = (await chip.first().textContent())?.trim();
        check(chipText === "added 'buy milk'", `the chip says ${JSON.stringify(chipText)}`);
        await nothingOverlapsTasks(page, "desktop");
        await axe(page, "chat with a task (desktop)");
      },
    },
    {
      name: "complete-by-chat",
      run: async (page) => {
        await say(page, "mark it done");
        await page.locator('[data-testid="task"].done', { hasText: "buy milk" }).waitFor();
        await replies(page).last().getByTestId("chip").filter({ hasText: /^completed task \d+$/ }).waitFor();
      },
    },
    {
      name: "first-streamed-token",
      run: async (page) => {
        // Time from sending to the first text event, through the proxy, measured in the browser.
        const result = await page.evaluate(async () => {
          const started = performance.now();
          const response = await fetch("/api/todo/chat", {
            method: "POST",
            headers: { "content-type": "application/json", accept: "text/event-stream" },
            body: JSON.stringify({ message: "what's pending?", conversation_id: Number(new URL(location.href).searchParams.get("c")) || undefined }),
          });
          const type = response.headers.get("content-type") ?? "";
          if (!type.includes("text/event-stream")) return { type, firstToken: null, total: performance.now() - started };
          const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
          let text = "";
          let firstToken: number | null = null;
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += value;
            if (firstToken === null && text.includes("event: text")) firstToken = performance.now() - started;
          }
          return { type, firstToken, total: performance.now() - started, events: (text.match(/^event: \w+/gm) ?? []).join(",") };
        });
        check(result.firstToken !== null, `the chat endpoint did not stream (${result.type})`);
        check(/^event: conversation,(event: (tool_call|text),)*event: text,(event: (tool_call|text),)*event: done$/.test(result.events ?? ""), `events: ${result.events}`);
        report.push(`first streamed token (offline model, through the proxy): ${result.firstToken.toFixed(1)} ms; whole turn ${result.total.toFixed(0)} ms; events ${result.events}`);
      },
    },
    {
      name: "reopen",
      run: async (page) => {
        await page.getByRole("button", { name: "Reopen “buy milk”" }).click();
        await page.locator('[data-testid="task"]:not(.done)', { hasText: "buy milk" }).waitFor();
        const milk = (await apiTasks(page)).find((t) => t.title === "buy milk");
        check(milk && milk.completed === false, `after Reopen the API says ${JSON.stringify(milk)}`);
        await page.getByRole("button", { name: "Mark “buy milk” done" }).waitFor();
      },
    },
    {
      name: "task-numbers-and-one-line-titles",
      run: async (page) => {
        await addTask(page, "Buy groceries for the week");
        await addTask(page, "Call the plumber about the sink");
        await page.reload();
        await task(page, "Call the plumber about the sink").waitFor();
        const numbers = await page.getByTestId("task").evaluateAll((rows) => rows.map((r) => r.querySelector(".number")?.textContent));
        check(JSON.stringify(numbers) === JSON.stringify(["#1", "#2", "#3"]), `task numbers shown: ${JSON.stringify(numbers)}`);
        await oneLine(page, '[data-testid="task"]:has-text("Buy groceries for the week") .title', "desktop");
        await oneLine(page, '[data-testid="task"]:has-text("Call the plumber about the sink") .title', "desktop");
        const panel = await page.locator("#panel-tasks").boundingBox();
        check(panel && panel.width >= 360, `the task column is ${panel?.width}px wide`);
        await nothingOverlapsTasks(page, "desktop, three tasks");
      },
    },
    {
      name: "edit-cancel-escape-save",
      run: async (page) => {
        const row = task(page, "buy milk");
        // Escape cancels, and focus returns to Edit.
        await row.getByRole("button", { name: "Edit “buy milk”" }).click();
        await page.getByLabel("Title of task 1").fill("something else");
        await axe(page, "editing a task (desktop)");
        await page.keyboard.press("Escape");
        await page.getByLabel("Title of task 1").waitFor({ state: "detached" });
        check((await focusedName(page)) === "Edit “buy milk”", `after Escape the focus is on ${await focusedName(page)}`);
        // Cancel too.
        await row.getByRole("button", { name: "Edit “buy milk”" }).click();
        await page.getByLabel("Title of task 1").fill("something else");
        await page.getByRole("button", { name: "Cancel" }).click();
        await page.getByLabel("Title of task 1").waitFor({ state: "detached" });
        check((await apiTasks(page)).some((t) => t.title === "buy milk"), "Cancel changed the title");
        check((await task(page, "something else").count()) === 0, "the cancelled title is shown");
        // Save: title and description.
        await row.getByRole("button", { name: "Edit “buy milk”" }).click();
        await page.getByLabel("Title of task 1").fill("buy oat milk");
        await page.getByLabel("Description").fill("two litres, unsweetened");
        await page.getByRole("button", { name: "Save" }).click();
        await task(page, "buy oat milk").locator(".description", { hasText: "two litres, unsweetened" }).waitFor();
        const saved = (await apiTasks(page)).find((t) => t.id === 1);
        check(saved?.title === "buy oat milk" && saved.description === "two litres, unsweetened", `saved: ${JSON.stringify(saved)}`);
      },
    },
    {
      name: "delete-undo",
      run: async (page) => {
        const title = "Call the plumber about the sink";
        await task(page, title).getByRole("button", { name: `Delete “${title}”` }).click();
        await task(page, title).waitFor({ state: "detached" });
        const undo = page.getByRole("button", { name: "Undo" });
        await undo.waitFor();
        await nothingOverlapsTasks(page, "desktop, Undo toast");
        await axe(page, "Undo toast (desktop)");
        await undo.click();
        await task(page, title).waitFor();
        await sleep(UNDO_MS + 1000);
        check((await apiTasks(page)).some((t) => t.title === title), "the task was deleted although Undo was pressed");
        check((await task(page, title).count()) === 1, "the restored task disappeared");
      },
    },
    {
      name: "delete-expires",
      run: async (page) => {
        const title = "Call the plumber about the sink";
        await task(page, title).getByRole("button", { name: `Delete “${title}”` }).click();
        await page.getByRole("button", { name: "Undo" }).waitFor();
        check((await apiTasks(page)).some((t) => t.title === title), "the DELETE went out before the Undo offer ended");
        await page.getByRole("button", { name: "Undo" }).waitFor({ state: "detached", timeout: UNDO_MS + 4000 });
        await poll("the deleted task in the API", async () => (await apiTasks(page)).some((t) => t.title === title), (present) => !present);
      },
    },
    {
      name: "search",
      run: async (page) => {
        for (const t of ["water the plants", "renew passport", "book dentist", "pay rent"]) await addTask(page, t);
        await page.reload();
        const search = page.getByRole("searchbox", { name: "Search tasks" });
        await search.fill("pass");
        await poll("rows matching 'pass'", () => page.getByTestId("task").count(), (n) => n === 1);
        await task(page, "renew passport").waitFor();
        await search.fill("nothing like this");
        await page.getByText("No tasks match").waitFor();
        await search.fill("");
        await poll("rows after clearing the search", () => page.getByTestId("task").count(), (n) => n === 6);
      },
    },
    {
      name: "streaming-chips-and-stop",
      run: async (page) => {
        // A slow stream (stream.ts below): the chip and the first words show while the turn goes
        // on; Stop aborts the request, which the server sees as a closed connection.
        const slow = await slowStream();
        await page.route("**/api/todo/chat", (route) => route.continue({ url: slow.url }));
        try {
          await page.getByLabel("Message", { exact: true }).fill("add a task to call the bank");
          await page.keyboard.press("Enter");
          const bubble = page.locator(".bubble.assistant.streaming");
          await bubble.getByTestId("chip").filter({ hasText: "added 'call the bank'" }).waitFor();
          await bubble.getByText("Adding that now").waitFor();
          const stop = page.getByRole("button", { name: "Stop" });
          check(await stop.isVisible(), "no Stop button while the reply streams");
          await layoutFacts(page, "streaming (desktop)");
          await axe(page, "a reply streaming (desktop)");
          const started = Date.now();
          await stop.click();
          const stopped = page.locator(".bubble.assistant.stopped").last();
          await stopped.getByText("Stopped.").waitFor({ timeout: 3000 });
          check((await stopped.textContent())?.includes("Adding that now"), "the partial reply was lost");
          await page.getByRole("button", { name: "Send" }).waitFor();
          await poll("the server seeing the stream closed", async () => slow.closed, (c) => c, 3000);
          check(Date.now() - started < 3000, "Stop took too long");
          check(slow.accept.includes("text/event-stream"), `the widget asked for ${slow.accept}`);
        } finally {
          await page.unroute("**/api/todo/chat");
          slow.server.close();
        }
      },
    },
    {
      name: "retry-reuses-client-message-id",
      run: async (page) => {
        const ids: string[] = [];
        page.on("request", (r) => {
          if (r.url().endsWith("/api/todo/chat") && r.method() === "POST") ids.push(JSON.parse(r.postData() ?? "{}").client_message_id);
        });
        let first = true;
        await page.route("**/api/todo/chat", async (route) => {
          if (first) {
            first = false;
            await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ detail: "The task service can't be reached right now; try again shortly." }) });
          } else await route.continue();
        });
        await page.getByLabel("Message", { exact: true }).fill("add a task to fix the bike");
        await page.keyboard.press("Enter");
        await page.getByRole("alert").filter({ hasText: "can't be reached" }).waitFor();
        await page.getByRole("button", { name: "Retry" }).click();
        await task(page, "fix the bike").waitFor();
        await page.unroute("**/api/todo/chat");
        check(ids.length === 2 && /^[0-9a-f-]{32,36}$/.test(ids[0]) && ids[0] === ids[1], `client_message_ids: ${JSON.stringify(ids)}`);
        check((await page.locator(".bubble.user", { hasText: "add a task to fix the bike" }).count()) === 1, "Retry repeated the user's bubble");
        // The same client_message_id twice runs the turn once (the second answer is the first's).
        const before = (await apiTasks(page)).length;
        const again = async () => (await page.request.post(`${base}/api/todo/chat`, { data: { message: "add a task to water the fern", client_message_id: ids[1] + "-x", conversation_id: Number(new URL(page.url()).searchParams.get("c")) } })).json();
        const [one, two] = [await again(), await again()];
        check(JSON.stringify(one) === JSON.stringify(two), `a repeated client_message_id answered ${JSON.stringify(one)} then ${JSON.stringify(two)}`);
        check((await apiTasks(page)).length === before + 1, "a repeated client_message_id ran the turn twice");
      },
    },
    {
      name: "reload-keeps-conversation-and-chips",
      run: async (page) => {
        await page.reload();
        await page.locator(".bubble.user", { hasText: "mark it done" }).waitFor();
        await page.locator(".bubble.assistant", { hasText: "buy milk" }).first().waitFor();
        await page.getByTestId("chip").filter({ hasText: "added 'buy milk'" }).first().waitFor();
      },
    },
    {
      name: "conversation-titles",
      run: async (page) => {
        const first = page.getByTestId("conversation").first();
        await first.waitFor();
        const title = (await first.locator(".title").textContent())?.trim();
        check(title && /add a task to buy milk/i.test(title), `the conversation is titled ${JSON.stringify(title)}`);
        const when = (await first.locator("time").textContent())?.trim();
        check(when && /^(just now|\d+ min ago)$/.test(when), `the conversation's time is ${JSON.stringify(when)}`);
      },
    },
    {
      name: "rename-conversation",
      run: async (page) => {
        const first = page.getByTestId("conversation").first();
        await first.getByRole("button", { name: /^Rename / }).click();
        const input = page.getByLabel(/^New name for /);
        await input.fill("Escape keeps the old name");
        await page.keyboard.press("Escape");
        await input.waitFor({ state: "detached" });
        check(!/Escape keeps/.test((await first.textContent()) ?? ""), "Escape renamed the conversation");
        await first.getByRole("button", { name: /^Rename / }).click();
        await page.getByLabel(/^New name for /).fill("Groceries");
        await page.keyboard.press("Enter");
        await page.getByTestId("conversation").filter({ hasText: "Groceries" }).waitFor();
        await page.reload();
        await page.getByTestId("conversation").filter({ hasText: "Groceries" }).waitFor();
        await axe(page, "conversations (desktop)");
      },
    },
    {
      name: "delete-conversation",
      run: async (page) => {
        await page.getByRole("button", { name: "+ New conversation" }).click();
        await say(page, "hello there");
        const rows = page.getByTestId("conversation");
        await poll("conversations", () => rows.count(), (n) => n === 2);
        const doomed = rows.filter({ hasText: "hello there" });
        await doomed.getByRole("button", { name: /^Delete / }).click();
        await axe(page, "deleting a conversation (desktop)");
        await page.getByRole("group", { name: /^Delete / }).getByRole("button", { name: "Delete" }).click();
        await poll("conversations after the delete", () => rows.count(), (n) => n === 1);
        check((await page.locator(".bubble").count()) === 0, "the deleted conversation is still shown");
        const response = await page.request.get(`${base}/api/todo/conversations`);
        const list = await response.json();
        check(list.length === 1 && /Groceries/.test(list[0].title), `conversations in the API: ${JSON.stringify(list)}`);
      },
    },
    {
      name: "long-chat-layout",
      run: async (page) => {
        await page.getByTestId("conversation").first().locator("button.open").click();
        await page.locator(".bubble").first().waitFor();
        for (let i = 0; (await page.locator(".bubble").count()) < 30; i++) await say(page, i % 2 ? "what's pending?" : `add a task to read chapter ${i + 1}`);
        const count = await page.locator(".bubble").count();
        check(count >= 30, `only ${count} messages`);
        await layoutFacts(page, "30 messages (desktop)");
        const log = await page.locator(".log").evaluate((el) => ({ scrolls: el.scrollHeight > el.clientHeight, atEnd: el.scrollHeight - el.scrollTop - el.clientHeight < 4 }));
        check(log.scrolls && log.atEnd, `the chat log: ${JSON.stringify(log)}`);
        // Bubbles are as wide as their text (plus padding), not a fixed share of the log: every
        // one-line reply's bubble fits its line.
        const fits = await page.locator(".bubble.assistant").evaluateAll((bubbles) => bubbles.flatMap((el) => {
          const p = el.querySelector("p:last-child");
          if (!p || el.querySelector("ol, ul.chips ~ ul")) return [];
          const range = document.createRange();
          range.selectNodeContents(p);
          const text = range.getBoundingClientRect();
          if (text.height > parseFloat(getComputedStyle(p).lineHeight) * 1.5) return [];
          const style = getComputedStyle(el);
          const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return [{ inner: Math.round(inner), text: Math.round(text.width), chips: el.querySelector(".chips")?.getBoundingClientRect().width ?? 0 }];
        }));
        const loose = fits.filter((f) => f.inner - Math.max(f.text, f.chips) > 2);
        check(fits.length >= 3 && loose.length === 0, `one-line replies: ${fits.length}; wider than their text: ${JSON.stringify(loose)}`);
        await nothingOverlapsTasks(page, "desktop, long chat");
        await axe(page, "long chat (desktop)");
      },
    },
    {
      name: "sign-out",
      run: async (page) => {
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL("**/sign-in");
        await page.goto(`${base}/`);
        await page.waitForURL("**/sign-in");
      },
    },
    {
      name: "second-user-sees-nothing",
      run: async (page) => {
        await signUp(page, bob);
        await page.getByText("No tasks yet.").waitFor();
        check((await page.getByTestId("task").count()) === 0, "bob sees tasks");
        check((await page.getByTestId("conversation").count()) === 0, "bob sees conversations");
        const tasks = await apiTasks(page);
        check(tasks.length === 0, `bob's API view: ${JSON.stringify(tasks)}`);
      },
    },
  ],
};

const phone: Suite = {
  name: "phone",
  viewport: PHONE,
  steps: [
    {
      name: "sign-in",
      run: async (page) => {
        await page.goto(`${base}/sign-in`);
        await page.getByRole("heading", { name: "Sign in" }).waitFor();
        const scroll = await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth);
        check(scroll, "the sign-in page scrolls sideways");
        await axe(page, "sign-in (phone)");
      },
    },
    {
      name: "chat-tab",
      run: async (page) => {
        await signUp(page, pat);
        check(await page.getByRole("tab", { name: "Chat" }).isVisible(), "no Chat tab");
        check(!(await page.locator("#panel-tasks").isVisible()), "the task list shares the screen with the chat");
        await layoutFacts(page, "empty chat (phone)");
        await axe(page, "chat (phone)");
      },
    },
    {
      name: "badge-after-chat-change",
      run: async (page) => {
        await say(page, "add a task to buy bread");
        const badge = page.getByTestId("tasks-badge");
        await badge.waitFor();
        check((await badge.textContent())?.trim() === "1", `the badge says ${await badge.textContent()}`);
        check((await page.getByRole("tab", { name: /Tasks.*1 new change/ }).count()) === 1, "the Tasks tab does not announce the change");
        await say(page, "what's pending?");
        check((await badge.textContent())?.trim() === "1", "a question changed the badge");
        await layoutFacts(page, "chat with a reply (phone)");
      },
    },
    {
      name: "tasks-tab",
      run: async (page) => {
        await page.getByRole("tab", { name: /^Tasks/ }).click();
        await task(page, "buy bread").waitFor();
        check((await page.getByTestId("tasks-badge").count()) === 0, "the badge stays after opening the tasks");
        check(!(await page.locator("#message").isVisible()), "the message box shows over the task list");
        await layoutFacts(page, "tasks (phone)", { composer: false });
        await nothingOverlapsTasks(page, "phone");
        await oneLine(page, '[data-testid="task"]:has-text("buy bread") .title', "phone");
        await axe(page, "tasks (phone)");
        await page.getByRole("button", { name: "Delete “buy bread”" }).click();
        await page.getByRole("button", { name: "Undo" }).waitFor();
        await nothingOverlapsTasks(page, "phone, Undo toast");
        await page.getByRole("button", { name: "Undo" }).click();
        await task(page, "buy bread").waitFor();
      },
    },
    {
      name: "conversations-tab",
      run: async (page) => {
        await page.getByRole("tab", { name: "Conversations" }).click();
        const row = page.getByTestId("conversation").first();
        await row.waitFor();
        await axe(page, "conversations (phone)");
        await row.locator("button.open").click();
        await page.locator("#message").waitFor();
        check(await page.getByRole("tab", { name: "Chat" }).getAttribute("aria-selected") === "true", "opening a conversation does not show the chat");
        await page.locator(".bubble.user", { hasText: "buy bread" }).waitFor();
      },
    },
    {
      name: "long-chat-layout",
      run: async (page) => {
        for (let i = 0; (await page.locator(".bubble").count()) < 30; i++) await say(page, i % 2 ? "what's pending?" : `add a task to call person ${i + 1}`);
        const count = await page.locator(".bubble").count();
        check(count >= 30, `only ${count} messages`);
        await layoutFacts(page, "30 messages (phone)");
        const log = await page.locator(".log").evaluate((el) => el.scrollHeight > el.clientHeight);
        check(log, "the chat log does not scroll");
        await axe(page, "long chat (phone)");
      },
    },
  ],
};

const keyboard: Suite = {
  name: "keyboard",
  viewport: DESKTOP,
  steps: [
    {
      name: "sign-up-by-keyboard",
      run: async (page) => {
        await page.goto(`${base}/sign-in`);
        await tabTo(page, /^No account\? Sign up$/);
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { name: "Create an account" }).waitFor();
        await tabTo(page, /^input:name$/);
        await page.keyboard.type(kim.name);
        await page.keyboard.press("Tab");
        await page.keyboard.type(kim.email);
        await page.keyboard.press("Tab");
        await page.keyboard.type(kim.password);
        await page.keyboard.press("Enter");
        await page.locator("#message").waitFor();
        check(await page.evaluate(() => document.activeElement?.id === "message"), "the message box does not have the focus");
      },
    },
    {
      name: "chat-and-tasks-by-keyboard",
      run: async (page) => {
        await page.keyboard.type("add a task to walk the dog");
        await page.keyboard.press("Enter");
        await task(page, "walk the dog").waitFor();
        check(await page.evaluate(() => document.activeElement?.id === "message"), "the focus left the message box after sending");
        await tabTo(page, /^Mark “walk the dog” done$/);
        const tip = await page.evaluate(() => getComputedStyle(document.activeElement!, "::after").content);
        check(tip === '"Mark done"', `no tooltip on focus: ${tip}`);
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="task"].done', { hasText: "walk the dog" }).waitFor();
        check((await focusedName(page)) === "Reopen “walk the dog”", `focus after completing: ${await focusedName(page)}`);
        await page.keyboard.press("Enter");
        await page.locator('[data-testid="task"]:not(.done)', { hasText: "walk the dog" }).waitFor();
        await tabTo(page, /^Edit “walk the dog”$/, 5);
        await page.keyboard.press("Enter");
        await page.keyboard.press("Control+A");
        await page.keyboard.type("walk the dog twice");
        await page.keyboard.press("Enter");
        await task(page, "walk the dog twice").waitFor();
        await tabTo(page, /^Delete “walk the dog twice”$/, 5);
        await page.keyboard.press("Enter");
        await poll("focus on Undo", () => focusedName(page), (n) => n === "Undo", 3000);
        await page.keyboard.press("Enter");
        await task(page, "walk the dog twice").waitFor();
        await tabTo(page, /^Sign out$/, 60);
        await page.keyboard.press("Enter");
        await page.waitForURL("**/sign-in");
      },
    },
  ],
};


/// ChatKit mode (docs/chatkit.md) with ChatKit's CDN script blocked: the page says so and the
/// built-in widget works in its place; the /api/chatkit proxy needs a session and reaches todo-chat.
let cdnRequests = 0;
const chatkit: Suite = {
  name: "chatkit",
  viewport: DESKTOP,
  steps: [
    {
      name: "fallback-when-cdn-blocked",
      run: async (page) => {
        await page.context().route(CHATKIT_CDN, (route) => { cdnRequests += 1; return route.abort(); });
        await signUp(page, cara, chatkitBase);
        const notice = page.getByRole("status").filter({ hasText: "ChatKit could not load; using the built-in chat." });
        await notice.waitFor();
        check(await notice.isVisible(), "the fallback notice is not visible");
        check(cdnRequests >= 1, "the page never asked for ChatKit's script");
        check(new URL(page.url()).pathname === "/chatkit", `ChatKit mode's chat page is ${page.url()}, not /chatkit`);
        check((await page.locator("openai-chatkit").count()) === 0, "an <openai-chatkit> element is on the fallback page");
        await layoutFacts(page, "ChatKit fallback (desktop)");
        await axe(page, "ChatKit fallback, empty chat (desktop)");
        report.push(`first-load JS in ChatKit mode, fallback (sign-in + chat pages): ${await firstLoadJs(page)}`);
      },
    },
    {
      name: "fallback-chat-adds-task",
      run: async (page) => {
        const type = await say(page, "add a task to water the plants");
        check(type.includes("text/event-stream"), `the fallback chat answer was not streamed (${type})`);
        await task(page, "water the plants").waitFor();
        await replies(page).last().getByTestId("chip").filter({ hasText: "added 'water the plants'" }).waitFor();
        const tasks = await apiTasks(page, chatkitBase);
        check(tasks.some((t) => t.title === "water the plants"), `cara's tasks: ${JSON.stringify(tasks)}`);
        await layoutFacts(page, "ChatKit fallback with a reply (desktop)");
        await axe(page, "ChatKit fallback after a turn (desktop)");
      },
    },
    {
      name: "fallback-when-element-never-defined",
      run: async (page) => {
        // The script "loads" but defines nothing: the page gives up after its timeout (5 s).
        await page.context().unroute(CHATKIT_CDN);
        await page.context().route(CHATKIT_CDN, (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "/* nothing */" }));
        const started = Date.now();
        await page.reload();
        await page.getByRole("status").filter({ hasText: "ChatKit did not start in time; using the built-in chat." }).waitFor({ timeout: 15_000 });
        const waited = Date.now() - started;
        check(waited >= 4500, `the fallback came after ${waited} ms, before the 5 s timeout`);
        await task(page, "water the plants").waitFor();
        await page.locator("#message").waitFor();
        await page.context().unroute(CHATKIT_CDN);
        await page.context().route(CHATKIT_CDN, (route) => route.abort());
      },
    },
    {
      name: "chatkit-when-element-defined",
      run: async (page) => {
        // A stand-in for ChatKit's script that defines <openai-chatkit> and keeps the options it
        // is given: the page shows ChatKit (no fallback) beside the task list, pointed at the
        // same-origin proxy with the configured domain key.
        const stub = `customElements.define("openai-chatkit", class extends HTMLElement {
          setOptions(o) { this.dataset.options = JSON.stringify(o, (k, v) => typeof v === "function" ? "fn" : v); this.textContent = "ChatKit stand-in"; }
        });`;
        await page.context().unroute(CHATKIT_CDN);
        await page.context().route(CHATKIT_CDN, (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: stub }));
        await page.reload();
        const element = page.locator("openai-chatkit[data-options]");
        await element.waitFor();
        const options = JSON.parse((await element.getAttribute("data-options")) ?? "{}");
        check(options.api?.url === "/api/chatkit" && options.api?.domainKey === "domain_pk_e2e_placeholder", `ChatKit's api options: ${JSON.stringify(options.api)}`);
        check((await page.getByTestId("chat-notice").count()) === 0, "the fallback notice shows although ChatKit started");
        check((await page.locator("#message").count()) === 0, "the built-in widget shows although ChatKit started");
        await task(page, "water the plants").waitFor();
        await layoutFacts(page, "ChatKit (stand-in element, desktop)", { composer: false });
        await nothingOverlapsTasks(page, "ChatKit (stand-in element, desktop)");
        await axe(page, "ChatKit mode with a stand-in element (desktop)");
        // A phone: ChatKit and the task list are tabs.
        await page.setViewportSize(PHONE);
        await element.waitFor({ state: "visible" });
        check(!(await page.locator("#panel-tasks").isVisible()), "the task list shares the phone screen with ChatKit");
        const box = await element.boundingBox();
        check(box && box.width > 300 && box.height > 500, `ChatKit on a phone: ${JSON.stringify(box)}`);
        await layoutFacts(page, "ChatKit (stand-in element, phone)", { composer: false });
        await page.getByRole("tab", { name: "Tasks" }).click();
        await task(page, "water the plants").waitFor();
        check(!(await element.isVisible()), "ChatKit shows over the task list on a phone");
        await nothingOverlapsTasks(page, "ChatKit (stand-in element, phone)");
        await page.setViewportSize(DESKTOP);
        await page.context().unroute(CHATKIT_CDN);
        await page.context().route(CHATKIT_CDN, (route) => route.abort());
      },
    },
    {
      name: "chatkit-proxy",
      run: async (page) => {
        const body = { type: "threads.list", params: { limit: 5 }, metadata: {} };
        const anonymous = await fetch(`${chatkitBase}/api/chatkit`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        check(anonymous.status === 401, `/api/chatkit without a session: ${anonymous.status}`);
        // Signed in: the proxy adds the user's token and reaches todo-chat's /chatkit (whatever
        // that answers, it is not the proxy's 401, 502 or 504).
        const response = await page.request.post(`${chatkitBase}/api/chatkit`, { data: body });
        check(![401, 502, 504].includes(response.status()), `/api/chatkit signed in: ${response.status()} ${await response.text()}`);
        report.push(`ChatKit proxy: threads.list through /api/chatkit answered ${response.status()} (${response.headers()["content-type"] ?? "no content type"})`);
      },
    },
    {
      name: "default-mode-has-no-chatkit",
      run: async (page) => {
        // The default server (same host, so the same session cookie): /chatkit sends you to /,
        // which never asks for ChatKit's script.
        const before = cdnRequests;
        await page.context().unroute(CHATKIT_CDN);
        await page.context().route(CHATKIT_CDN, (route) => { cdnRequests += 1; return route.abort(); });
        await page.goto(`${base}/chatkit`);
        await page.waitForURL(`${base}/`);
        await task(page, "water the plants").waitFor();
        await sleep(500);
        check(cdnRequests === before, "the default mode asked for ChatKit's script");
        check((await page.getByTestId("chat-notice").count()) === 0, "the default mode shows the ChatKit notice");
      },
    },
  ],
};

const browser: Browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let passed = 0;
let failed = 0;
for (const suite of [desktop, phone, keyboard, chatkit]) {
  if (only && !only.test(suite.name)) continue;
  if (suite === chatkit && !chatkitBase) {
    console.log("skipped the chatkit suite: E2E_CHATKIT_URL is not set (scripts/e2e.sh sets it)");
    continue;
  }
  const context = await browser.newContext({ viewport: suite.viewport, deviceScaleFactor: 1, hasTouch: suite === phone, isMobile: suite === phone });
  // tsx compiles the functions handed to page.evaluate with esbuild's keepNames helper.
  await context.addInitScript("window.__name = (f) => f;");
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  for (const [i, step] of suite.steps.entries()) {
    const name = `${suite.name}-${String(i + 1).padStart(2, "0")}-${step.name}`;
    const started = Date.now();
    try {
      await step.run(page);
      passed += 1;
      console.log(`ok ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}: ${error instanceof Error ? error.message : error}`);
    }
    await page.mouse.move(0, 0).catch(() => undefined);
    await page.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => undefined);
  }
  await context.close();
}
await browser.close();
for (const line of report) console.log(line);
console.log(`axe-core: ${scanned.length} scans without a serious or critical violation`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
