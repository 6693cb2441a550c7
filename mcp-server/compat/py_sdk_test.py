"""todo-mcp through the official Python SDK (`mcp` on PyPI) as the client, over stdio and
Streamable HTTP. Prints one `PASS|FAIL py-sdk/<transport>: <check>` line per check and exits
non-zero when any check fails.

Environment (set by scripts/mcp-compat-test.sh): TODO_MCP_BIN, MCP_URL, TODO_TOKEN (a token for
TODO_USER), TODO_USER, STDIO_DATABASE_URL, FOREIGN_TOKEN (signed with another secret).
"""

import asyncio
import json
import os
import re
import sys

import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

BIN = os.environ["TODO_MCP_BIN"]
URL = os.environ["MCP_URL"]
TOKEN = os.environ["TODO_TOKEN"]
USER = os.environ["TODO_USER"]
STDIO_DB = os.environ["STDIO_DATABASE_URL"]
FOREIGN_TOKEN = os.environ.get("FOREIGN_TOKEN", "eyJhbGciOiJIUzI1NiJ9.e30.x")
TOOLS = ["add_task", "complete_task", "delete_task", "list_tasks", "update_task"]

failed = 0


async def check(label, name, fn):
    global failed
    try:
        await fn()
        print(f"PASS py-sdk/{label}: {name}", flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
        failed += 1
        print(f"FAIL py-sdk/{label}: {name}: {type(e).__name__}: {e}", flush=True)


def text(result):
    return next((c.text for c in result.content if getattr(c, "type", "") == "text"), "")


def tasks_of(result):
    """list_tasks: a bare array today; {"tasks": [...]} once the typed results land."""
    assert not result.is_error, f"list_tasks failed: {text(result)}"
    value = json.loads(text(result))
    tasks = value if isinstance(value, list) else (value or {}).get("tasks")
    assert isinstance(tasks, list), f"list_tasks text is neither an array nor {{'tasks': [...]}}: {text(result)}"
    return tasks


def change(result, status, title):
    assert not result.is_error, f"tool error: {text(result)}"
    value = json.loads(text(result))
    assert isinstance(value["task_id"], int), f"task_id is not an integer: {value}"
    assert value["status"] == status, f"status {value['status']}, expected {status}"
    assert value["title"] == title, f"title {value['title']!r}, expected {title!r}"
    sc = result.structured_content
    assert isinstance(sc, dict), "no structuredContent"
    assert (sc.get("task_id"), sc.get("status"), sc.get("title")) == (value["task_id"], status, title), (
        f"structuredContent {sc} differs from the text"
    )
    return value["task_id"]


def tool_error(result, expected):
    assert result.is_error is True, f"expected isError, got {result}"
    message = text(result)
    ok = re.search(expected, message) if isinstance(expected, re.Pattern) else message == expected
    assert ok, f"error text {message!r}, expected {expected}"


async def exercise(label, client):
    async def call(name, args):
        return await client.call_tool(name, args)

    async def tools_list():
        tools = (await client.list_tools()).tools
        names = sorted(t.name for t in tools)
        assert names == TOOLS, f"tools: {names}"
        for t in tools:
            assert t.description, f"{t.name}: no description"
            assert t.input_schema.get("type") == "object", f"{t.name}: inputSchema is not an object schema"
            assert "user_id" in t.input_schema.get("properties", {}), f"{t.name}: no user_id parameter"

    await check(label, "tools/list is exactly the five tools, with input schemas", tools_list)

    title = f"py {label} groceries"
    state = {}

    async def add():
        state["id"] = change(await call("add_task", {"user_id": USER, "title": title, "description": "milk"}), "created", title)

    async def list_():
        tasks = tasks_of(await call("list_tasks", {"user_id": USER}))
        task = next((t for t in tasks if t["id"] == state["id"]), None)
        assert task, f"task {state['id']} not listed"
        for field in ["id", "title", "description", "completed", "created_at", "updated_at"]:
            assert field in task, f"task has no {field}"
        assert task["completed"] is False and task["title"] == title, f"listed {task}"
        pending = tasks_of(await call("list_tasks", {"user_id": USER, "status": "pending"}))
        assert any(t["id"] == state["id"] for t in pending), "not pending"

    async def complete():
        change(await call("complete_task", {"user_id": USER, "task_id": state["id"]}), "completed", title)
        done = tasks_of(await call("list_tasks", {"user_id": USER, "status": "completed"}))
        assert any(t["id"] == state["id"] and t["completed"] is True for t in done), "not in completed"

    async def update_title():
        change(await call("update_task", {"user_id": USER, "task_id": state["id"], "title": title + "!"}), "updated", title + "!")

    async def reopen():
        change(await call("update_task", {"user_id": USER, "task_id": state["id"], "completed": False}), "updated", title + "!")
        pending = tasks_of(await call("list_tasks", {"user_id": USER, "status": "pending"}))
        assert any(t["id"] == state["id"] and t["completed"] is False for t in pending), "not reopened"

    async def delete():
        change(await call("delete_task", {"user_id": USER, "task_id": state["id"]}), "deleted", title + "!")
        tasks = tasks_of(await call("list_tasks", {"user_id": USER}))
        assert all(t["id"] != state["id"] for t in tasks), "still listed"

    async def not_found():
        for tool in ["complete_task", "delete_task"]:
            tool_error(await call(tool, {"user_id": USER, "task_id": 987654}), "Task 987654 not found")
        tool_error(await call("update_task", {"user_id": USER, "task_id": 987654, "title": "x"}), "Task 987654 not found")

    async def invalid():
        tool_error(await call("add_task", {"user_id": USER, "title": "   "}), "Title must not be empty")
        tool_error(await call("complete_task", {"user_id": USER, "task_id": "seven"}), re.compile(r"^Invalid arguments: "))
        tool_error(
            await call("update_task", {"user_id": USER, "task_id": 1, "completed": "false"}),
            re.compile(r"^Invalid arguments: .*boolean"),
        )

    async def wrong_user():
        other = USER + "-other"
        # The stable part of the message: the hint after it has changed wording (user_id optional).
        tool_error(
            await call("add_task", {"user_id": other, "title": "not mine"}),
            re.compile(f'^user_id "{re.escape(other)}" is not the signed-in user; .*"{re.escape(USER)}"'),
        )
        tasks = tasks_of(await call("list_tasks", {"user_id": USER}))
        assert all(t["title"] != "not mine" for t in tasks), "the refused task was added"

    await check(label, "add_task", add)
    await check(label, "list_tasks (all, pending)", list_)
    await check(label, "complete_task", complete)
    await check(label, "update_task title", update_title)
    await check(label, "update_task completed:false reopens", reopen)
    await check(label, "delete_task", delete)
    await check(label, "unknown task is a tool error 'Task N not found'", not_found)
    await check(label, "invalid arguments are tool errors", invalid)
    await check(label, "another user_id is a tool error", wrong_user)


async def with_client(label, server, body, mode):
    global failed
    try:
        async with Client(server, mode=mode) as client:
            print(f"PASS py-sdk/{label}: initialize (protocol {client.protocol_version})", flush=True)
            await body(client)
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL py-sdk/{label}: session: {type(e).__name__}: {e}", flush=True)


def http_transport(token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return streamable_http_client(URL, http_client=httpx2.AsyncClient(headers=headers, timeout=30))


async def main():
    stdio = StdioServerParameters(command=BIN, args=["stdio", "--user-id", USER], env={"DATABASE_URL": STDIO_DB})
    # mode "auto" is the SDK's default: it probes server/discover and, as rmcp answers it, speaks
    # the 2026-07-28 protocol; "legacy" is the initialize handshake (2025-11-25) older clients use.
    for mode in ["auto", "legacy"]:
        suffix = "" if mode == "auto" else "-legacy"
        with open(os.devnull, "w") as devnull:  # the server's JSON logs would drown the report
            stdio_label = "stdio" + suffix
            await with_client(stdio_label, stdio_client(stdio, errlog=devnull), lambda c, l=stdio_label: exercise(l, c), mode)

        async def http_body(client, label="http" + suffix, mode=mode):
            await exercise(label, client)
            if mode == "legacy":  # ping is gone from the 2026-07-28 protocol

                async def ping():
                    answer = await client.send_ping()
                    assert answer.model_dump(exclude_none=True) == {}, f"ping answered {answer}"

                await check(label, "ping", ping)

        await with_client("http" + suffix, http_transport(TOKEN), http_body, mode)

    for name, token in [("no token", None), ("a garbage token", "not-a-jwt"), ("a token signed with another secret", FOREIGN_TOKEN)]:

        async def refused(token=token):
            try:
                async with Client(http_transport(token)) as client:
                    await client.list_tools()
            except Exception as e:  # noqa: BLE001 - the SDK surfaces the 401 as an error on connect
                async with httpx2.AsyncClient() as raw:
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    answer = await raw.post(
                        URL,
                        headers={**headers, "Accept": "application/json, text/event-stream"},
                        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                    )
                assert answer.status_code == 401, f"SDK error {e!r}, but the server answered {answer.status_code}"
                assert answer.headers.get("www-authenticate", "").startswith("Bearer"), "no WWW-Authenticate: Bearer"
                return
            raise AssertionError("connected without a valid token")

        await check("http", f"{name} is refused (401, WWW-Authenticate: Bearer)", refused)

    print(f"py-sdk: {'all checks passed' if failed == 0 else f'{failed} check(s) failed'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
