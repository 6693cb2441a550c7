#!/usr/bin/env python3
"""Runs an MCP client configuration that starts todo-mcp's image over stdio (examples/docker/),
exactly as written except for the image tag, and talks MCP to it: initialize, list the tools,
add a task and list it. Exits non-zero with the reason on any failure.

    docker_stdio_check.py CONFIG.json IMAGE_TAG VOLUME
"""
import json
import subprocess
import sys


def server_of(config):
    servers = config.get("mcpServers") or config.get("servers")
    (server,) = servers.values()
    return server


def main(path, tag, volume):
    server = server_of(json.load(open(path)))
    args = [a.replace("todo-mcp:local", f"todo-mcp:{tag}").replace("todo-mcp-data", volume)
            for a in server["args"]]
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "docker-stdio-check", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
         "params": {"name": "add_task", "arguments": {"title": f"from {path}"}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
         "params": {"name": "list_tasks", "arguments": {}}},
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in requests)
    done = subprocess.run([server["command"], *args], input=stdin, capture_output=True,
                          text=True, timeout=60)
    answers = {}
    for line in done.stdout.splitlines():
        message = json.loads(line)
        answers[message.get("id")] = message
    missing = [i for i in (1, 2, 3, 4) if i not in answers]
    if missing:
        sys.exit(f"{path}: no answer to {missing}; stderr: {done.stderr[-500:]}")
    tools = [t["name"] for t in answers[2]["result"]["tools"]]
    if "add_task" not in tools or "list_tasks" not in tools:
        sys.exit(f"{path}: tools {tools}")
    listed = answers[4]["result"]["structuredContent"]["tasks"]
    if not any(t["title"] == f"from {path}" for t in listed):
        sys.exit(f"{path}: the added task is not listed: {listed}")
    print(f"ok {path}: {len(tools)} tools, {len(listed)} task(s) in the volume")


if __name__ == "__main__":
    main(*sys.argv[1:4])
