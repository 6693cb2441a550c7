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
    # One request at a time, each answer awaited: the server may answer concurrent requests
    # in any order, and the list must come after the add.
    process = subprocess.Popen([server["command"], *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers = {}
    try:
        for request in requests:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            while "id" in request and request["id"] not in answers:
                line = process.stdout.readline()
                if not line:
                    sys.exit(f"{path}: the server closed stdout; stderr: "
                             f"{process.stderr.read()[-500:]}")
                message = json.loads(line)
                answers[message.get("id")] = message
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    tools = [t["name"] for t in answers[2]["result"]["tools"]]
    if "add_task" not in tools or "list_tasks" not in tools:
        sys.exit(f"{path}: tools {tools}")
    listed = answers[4]["result"]["structuredContent"]["tasks"]
    if not any(t["title"] == f"from {path}" for t in listed):
        sys.exit(f"{path}: the added task is not listed: {listed}")
    print(f"ok {path}: {len(tools)} tools, {len(listed)} task(s) in the volume")


if __name__ == "__main__":
    main(*sys.argv[1:4])
