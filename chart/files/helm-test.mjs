// `helm test`: real requests, as a person would make them, from the web image's Node.js.
// The sign-in page; a sign-up (Better Auth); a chat turn that adds a task, through the web app's
// proxy to todo-chat and on to todo-mcp; then that task through todo-chat's REST API with the
// user's token. Any failure exits non-zero with the step that failed.
const web = process.env.TEST_WEB_URL;
const chat = process.env.TEST_CHAT_URL;
const origin = process.env.BETTER_AUTH_URL;
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const step = (name) => console.log(`helm-test: ${name}`);
const fail = (message) => {
  console.error(`helm-test: FAIL: ${message}`);
  process.exit(1);
};

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) }).catch((error) =>
    fail(`${init.method ?? "GET"} ${url}: ${error.cause?.code ?? error.message}`),
  );
  const text = await response.text();
  if (!response.ok) fail(`${init.method ?? "GET"} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return { response, text, json: () => JSON.parse(text) };
}

const page = await call(`${web}/sign-in`);
if (!/<html/i.test(page.text)) fail("the sign-in page is not HTML");
step(`GET /sign-in: ${page.response.status}, ${page.text.length} bytes`);

const email = `helm-test-${run}@example.test`;
const signUp = await call(`${web}/api/auth/sign-up/email`, {
  method: "POST",
  headers: { "content-type": "application/json", origin },
  body: JSON.stringify({ email, password: `pw-${run}-${run}`, name: "helm test" }),
});
const cookie = signUp.response.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
if (!cookie) fail("sign-up set no session cookie");
step(`sign-up ${email}: ${signUp.response.status}, session cookie set`);

const title = `check the cluster ${run}`;
const turn = (
  await call(`${web}/api/todo/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin },
    body: JSON.stringify({ message: `add a task to ${title}` }),
  })
).json();
const added = (turn.tool_calls ?? []).find((c) => c.name === "add_task");
if (!added) fail(`the chat turn made no add_task call: ${JSON.stringify(turn).slice(0, 300)}`);
step(`chat turn (conversation ${turn.conversation_id}): add_task ${JSON.stringify(added.arguments)}`);

const { token } = (await call(`${web}/api/token`, { headers: { cookie } })).json();
const user = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub;
const tasks = (
  await call(`${chat}/api/${encodeURIComponent(user)}/tasks`, { headers: { authorization: `Bearer ${token}` } })
).json();
const found = tasks.find((t) => t.title === added.arguments.title);
if (!found) fail(`GET /api/{user}/tasks lacks "${added.arguments.title}": ${JSON.stringify(tasks).slice(0, 300)}`);
step(`GET todo-chat /api/{user}/tasks: task ${found.id} "${found.title}" is there`);
console.log("helm-test: PASS");
