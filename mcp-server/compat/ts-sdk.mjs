// todo-mcp through the official TypeScript SDK (@modelcontextprotocol/sdk) as the client, over
// stdio and Streamable HTTP. Prints one `PASS|FAIL ts-sdk/<transport>: <check>` line per check
// and exits non-zero when any check fails.
// Environment (set by scripts/mcp-compat-test.sh): TODO_MCP_BIN, MCP_URL, TODO_TOKEN (a token
// for TODO_USER), TODO_USER, STDIO_DATABASE_URL.
import http from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const BIN = env("TODO_MCP_BIN");
const URL_ = env("MCP_URL");
const TOKEN = env("TODO_TOKEN");
const USER = env("TODO_USER");
const STDIO_DB = env("STDIO_DATABASE_URL");
const TOOLS = ["add_task", "complete_task", "delete_task", "list_tasks", "update_task"];

let failed = 0;
async function check(label, name, fn) {
  try {
    await fn();
    console.log(`PASS ${label.startsWith("transport/") ? "" : "ts-sdk/"}${label}: ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${label.startsWith("transport/") ? "" : "ts-sdk/"}${label}: ${name}: ${e?.message ?? e}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
const text = (result) => result.content?.find((c) => c.type === "text")?.text ?? "";
// The contract's JSON is the first text content.
const json = (result) => JSON.parse(text(result));
// list_tasks: a bare array today; `{"tasks": [...]}` once the typed results land.
function tasksOf(result) {
  assert(!result.isError, `list_tasks failed: ${text(result)}`);
  const value = json(result);
  const tasks = Array.isArray(value) ? value : value?.tasks;
  assert(Array.isArray(tasks), `list_tasks text is neither an array nor {"tasks": [...]}: ${text(result)}`);
  return tasks;
}
function change(result, status, title) {
  assert(!result.isError, `tool error: ${text(result)}`);
  const value = json(result);
  assert(Number.isInteger(value.task_id), `task_id is not an integer: ${text(result)}`);
  assert(value.status === status, `status ${value.status}, expected ${status}`);
  assert(value.title === title, `title ${JSON.stringify(value.title)}, expected ${JSON.stringify(title)}`);
  const sc = result.structuredContent;
  assert(sc && typeof sc === "object", "no structuredContent");
  assert(sc.task_id === value.task_id && sc.status === status && sc.title === title,
    `structuredContent ${JSON.stringify(sc)} differs from the text`);
  return value.task_id;
}
function toolError(result, expected) {
  assert(result.isError === true, `expected isError, got ${JSON.stringify(result)}`);
  const message = text(result);
  assert(expected instanceof RegExp ? expected.test(message) : message === expected,
    `error text ${JSON.stringify(message)}, expected ${expected}`);
}

async function exercise(label, client) {
  const call = (name, args) => client.callTool({ name, arguments: args });
  await check(label, "server info and tools capability", async () => {
    assert(client.getServerVersion()?.name, "no serverInfo.name");
    assert(client.getServerCapabilities()?.tools, "no tools capability");
  });
  await check(label, "tools/list is exactly the five tools, with input schemas", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert(JSON.stringify(names) === JSON.stringify(TOOLS), `tools: ${names}`);
    for (const t of tools) {
      assert(t.description, `${t.name}: no description`);
      assert(t.inputSchema?.type === "object", `${t.name}: inputSchema is not an object schema`);
      assert(t.inputSchema.properties?.user_id, `${t.name}: no user_id parameter`);
    }
  });
  const title = `ts ${label} groceries`;
  let id;
  await check(label, "add_task", async () => {
    id = change(await call("add_task", { user_id: USER, title, description: "milk" }), "created", title);
  });
  await check(label, "list_tasks (all, pending)", async () => {
    const all = tasksOf(await call("list_tasks", { user_id: USER }));
    const task = all.find((t) => t.id === id);
    assert(task, `task ${id} not listed`);
    for (const field of ["id", "title", "description", "completed", "created_at", "updated_at"])
      assert(field in task, `task has no ${field}`);
    assert(task.completed === false && task.title === title, `listed ${JSON.stringify(task)}`);
    const pending = tasksOf(await call("list_tasks", { user_id: USER, status: "pending" }));
    assert(pending.some((t) => t.id === id), "not pending");
  });
  await check(label, "complete_task", async () => {
    change(await call("complete_task", { user_id: USER, task_id: id }), "completed", title);
    const done = tasksOf(await call("list_tasks", { user_id: USER, status: "completed" }));
    assert(done.some((t) => t.id === id && t.completed === true), "not in completed");
  });
  await check(label, "update_task title", async () => {
    change(await call("update_task", { user_id: USER, task_id: id, title: `${title}!` }), "updated", `${title}!`);
  });
  await check(label, "update_task completed:false reopens", async () => {
    change(await call("update_task", { user_id: USER, task_id: id, completed: false }), "updated", `${title}!`);
    const pending = tasksOf(await call("list_tasks", { user_id: USER, status: "pending" }));
    assert(pending.some((t) => t.id === id && t.completed === false), "not reopened");
  });
  await check(label, "delete_task", async () => {
    change(await call("delete_task", { user_id: USER, task_id: id }), "deleted", `${title}!`);
    const all = tasksOf(await call("list_tasks", { user_id: USER }));
    assert(!all.some((t) => t.id === id), "still listed");
  });
  await check(label, "unknown task is a tool error 'Task N not found'", async () => {
    for (const tool of ["complete_task", "delete_task"])
      toolError(await call(tool, { user_id: USER, task_id: 987654 }), "Task 987654 not found");
    toolError(await call("update_task", { user_id: USER, task_id: 987654, title: "x" }), "Task 987654 not found");
  });
  await check(label, "invalid arguments are tool errors", async () => {
    toolError(await call("add_task", { user_id: USER, title: "   " }), "Title must not be empty");
    toolError(await call("complete_task", { user_id: USER, task_id: "seven" }), /^Invalid arguments: /);
    toolError(await call("update_task", { user_id: USER, task_id: 1, completed: "false" }), /^Invalid arguments: .*boolean/);
  });
  await check(label, "another user_id is a tool error", async () => {
    // The stable part of the message: the hint after it has changed wording (user_id optional).
    const other = `${USER}-other`;
    const result = await call("add_task", { user_id: other, title: "not mine" });
    toolError(result, new RegExp(`^user_id "${other}" is not the signed-in user; .*"${USER}"`));
    const listed = tasksOf(await call("list_tasks", { user_id: USER }));
    assert(!listed.some((t) => t.title === "not mine"), "the refused task was added");
  });
}

async function withClient(label, transport, fn) {
  const client = new Client({ name: "todo-mcp-compat-ts", version: "1.0.0" });
  try {
    await client.connect(transport);
  } catch (e) {
    failed++;
    console.log(`FAIL ts-sdk/${label}: initialize: ${e?.message ?? e}`);
    return;
  }
  console.log(`PASS ts-sdk/${label}: initialize${transport.protocolVersion ? ` (protocol ${transport.protocolVersion})` : ""}`);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

await withClient("stdio", new StdioClientTransport({
  command: BIN,
  args: ["stdio", "--user-id", USER],
  env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: STDIO_DB },
  stderr: "ignore",
}), (c) => exercise("stdio", c));

const bearer = (token) => ({ requestInit: { headers: { Authorization: `Bearer ${token}` } } });
await withClient("http", new StreamableHTTPClientTransport(new URL(URL_), bearer(TOKEN)), async (c) => {
  await exercise("http", c);
  await check("http", "ping", async () => {
    const answer = await c.ping();
    assert(answer && Object.keys(answer).length === 0, `ping answered ${JSON.stringify(answer)}`);
  });
});

for (const [name, options] of [
  ["no token", {}],
  ["a garbage token", bearer("not-a-jwt")],
  ["a token signed with another secret", bearer(process.env.FOREIGN_TOKEN ?? "eyJhbGciOiJIUzI1NiJ9.e30.x")],
]) {
  await check("http", `${name} is refused with 401`, async () => {
    const client = new Client({ name: "todo-mcp-compat-ts", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(URL_), options));
    } catch (e) {
      assert(e?.code === 401 || /\b401\b/.test(String(e?.message)), `refused, but not with 401: ${e?.message}`);
      return;
    } finally {
      await client.close().catch(() => {});
    }
    throw new Error("connected without a valid token");
  });
}

// Transport rules no SDK exercises on its own: Origin validation (DNS rebinding through a browser
// with a localhost Host header) and JSON-RPC errors for malformed requests.
function post(body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(URL_, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        ...headers,
      },
    }, (res) => {
      let data = "";
      res.on("data", (chunk) => (data += chunk));
      res.on("end", () => {
        let json = null;
        try { json = JSON.parse(data); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text: data });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
const PING = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
const origin = new URL(URL_).origin;
const transport = (name, fn) => check("transport/http", name, fn).then(() => {});
await transport("a foreign Origin is refused with 4xx", async () => {
  const answer = await post(PING, { Origin: "http://evil.example.com" });
  assert(answer.status >= 400 && answer.status < 500, `answered ${answer.status} ${answer.text.slice(0, 120)}`);
});
await transport("the server's own Origin is accepted", async () => {
  const answer = await post(PING, { Origin: origin });
  assert(answer.status === 200, `answered ${answer.status} ${answer.text.slice(0, 120)}`);
});
await transport("an unknown method is a JSON-RPC error -32601", async () => {
  const answer = await post(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "no/such" }));
  assert(answer.json?.error?.code === -32601 && answer.json.id === 7, `answered ${answer.status} ${answer.text.slice(0, 120)}`);
});
await transport("malformed JSON is a JSON-RPC parse error -32700", async () => {
  const answer = await post('{"jsonrpc":');
  assert(answer.json?.error?.code === -32700, `answered ${answer.status} ${answer.text.slice(0, 120)}`);
});

console.log(`ts-sdk: ${failed === 0 ? "all checks passed" : `${failed} check(s) failed`}`);
process.exit(failed === 0 ? 0 : 1);
