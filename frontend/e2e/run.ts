// End to end in a real browser: Debian's Chromium driven by playwright-core against the
// running stack (E2E_BASE_URL). One screenshot per step into E2E_ARTIFACTS.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Page } from "playwright-core";

const base = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
const artifacts = process.env.E2E_ARTIFACTS ?? path.join(process.cwd(), "..", "artifacts", "e2e");
fs.mkdirSync(artifacts, { recursive: true });

type Step = { name: string; run: (page: Page) => Promise<void> };
const stamp = Date.now();
const alice = { email: `alice-${stamp}@example.com`, password: "correct-horse-battery" };
const bob = { email: `bob-${stamp}@example.com`, password: "another-good-password" };

async function signUp(page: Page, who: { email: string; password: string }) {
  await page.goto(`${base}/`);
  await page.waitForURL("**/sign-in");
  await page.getByRole("button", { name: "No account? Sign up" }).click();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: "Your tasks" }).waitFor();
}

async function say(page: Page, text: string) {
  const replies = page.locator(".bubble.assistant:not(.pending)");
  const before = await replies.count();
  await page.getByLabel("Message").fill(text);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".bubble.assistant:not(.pending)").length > n, before);
}

const task = (page: Page, title: string) => page.getByTestId("task").filter({ hasText: title });

const steps: Step[] = [
  {
    name: "01-sign-up-and-in",
    run: async (page) => {
      await signUp(page, alice);
      // The chat page's first-load JavaScript, as transferred (compressed) and as parsed.
      const js = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .filter((e) => (e as PerformanceResourceTiming).initiatorType === "script" || e.name.endsWith(".js"))
          .reduce(
            (sum, e) => ({
              transferred: sum.transferred + (e as PerformanceResourceTiming).encodedBodySize,
              parsed: sum.parsed + (e as PerformanceResourceTiming).decodedBodySize,
            }),
            { transferred: 0, parsed: 0 },
          ),
      );
      console.log(`chat page first-load JS: ${(js.transferred / 1024).toFixed(1)} kB transferred, ${(js.parsed / 1024).toFixed(1)} kB parsed`);
    },
  },
  {
    name: "02-add-by-chat",
    run: async (page) => {
      await say(page, "add a task to buy milk");
      await task(page, "buy milk").waitFor();
    },
  },
  {
    name: "03-complete-by-chat",
    run: async (page) => {
      await say(page, "mark it done");
      await page.locator('[data-testid="task"].done', { hasText: "buy milk" }).waitFor();
    },
  },
  {
    name: "04-reload-keeps-conversation",
    run: async (page) => {
      await page.reload();
      await page.locator(".bubble.user", { hasText: "mark it done" }).waitFor();
      await page.locator(".bubble.assistant", { hasText: "buy milk" }).first().waitFor();
    },
  },
  {
    name: "05-sign-out",
    run: async (page) => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/sign-in");
      await page.goto(`${base}/`);
      await page.waitForURL("**/sign-in");
    },
  },
  {
    name: "06-second-user-sees-nothing",
    run: async (page) => {
      await signUp(page, bob);
      await page.getByText("No tasks.").waitFor();
      if ((await page.getByTestId("task").count()) !== 0) throw new Error("bob sees tasks");
      const response = await page.request.get(`${base}/api/todo/tasks?status=all`);
      const tasks = await response.json();
      if (response.status() !== 200 || tasks.length !== 0) throw new Error(`bob's API view: ${JSON.stringify(tasks)}`);
    },
  },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
page.setDefaultTimeout(15_000);
let passed = 0;
let failed = 0;
for (const step of steps) {
  try {
    await step.run(page);
    passed += 1;
    console.log(`ok ${step.name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${step.name}: ${error instanceof Error ? error.message : error}`);
  }
  await page.screenshot({ path: path.join(artifacts, `${step.name}.png`), fullPage: true });
  if (failed) break;
}
const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
await phone.goto(`${base}/sign-in`);
await phone.screenshot({ path: path.join(artifacts, "07-phone-width.png"), fullPage: true });
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
