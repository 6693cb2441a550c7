#!/usr/bin/env python3
"""Requests against the chart's todo-chat Service on the local cluster (scripts/cluster-test.sh).

  replicas URL NAMESPACE SELECTOR   one conversation, turn after turn, through the Service until
                                    every ready todo-chat pod has served at least one turn (each
                                    turn on a new connection; each pod's own turn counter on its
                                    /metrics tells who served); then the whole conversation reads
                                    back, in order
  kill URL NAMESPACE SELECTOR       four clients add tasks through the Service for 20 s while one
                                    todo-chat pod is deleted; every acknowledged turn (200) must be
                                    in the task list and in its conversation afterwards
  tasks URL USER                    the number of USER's tasks (GET /api/{user}/tasks)

The token is minted here (HS256 with BETTER_AUTH_SECRET from the environment), as the web app
does. The user is TEST_USER (default: a new one per run).
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

SECRET = os.environ["BETTER_AUTH_SECRET"].encode()
USER = os.environ.get("TEST_USER") or f"cluster-{uuid.uuid4().hex[:10]}"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(user: str) -> str:
    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": user, "iat": now, "exp": now + 3600}).encode())
    sig = b64(hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"


def call(url: str, method: str = "GET", body: dict | None = None, timeout: float = 30):
    """One request on a new connection; (status, parsed body). Connection errors are status 0."""
    headers = {"authorization": f"Bearer {token(USER)}", "content-type": "application/json", "connection": "close"}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")[:300]
    except OSError as e:
        return 0, str(e)


def kubectl(*args: str) -> str:
    return subprocess.run(["kubectl", *args], check=True, capture_output=True, text=True).stdout


def ready_pods(namespace: str, selector: str) -> list[str]:
    out = kubectl("get", "pods", "-n", namespace, "-l", selector, "-o", "json")
    pods = []
    for p in json.loads(out)["items"]:
        conditions = {c["type"]: c["status"] for c in p["status"].get("conditions", [])}
        if conditions.get("Ready") == "True" and not p["metadata"].get("deletionTimestamp"):
            pods.append(p["metadata"]["name"])
    return sorted(pods)


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def turn(base: str, message: str, conversation: int | None):
    body = {"message": message}
    if conversation is not None:
        body["conversation_id"] = conversation
    return call(f"{base}/api/{USER}/chat", "POST", body)


def added_title(answer: dict) -> str | None:
    for c in answer.get("tool_calls", []):
        if c["name"] == "add_task":
            return c["arguments"].get("title")
    return None


def pod_ips(namespace: str, selector: str) -> dict[str, str]:
    out = json.loads(kubectl("get", "pods", "-n", namespace, "-l", selector, "-o", "json"))
    return {p["metadata"]["name"]: p["status"].get("podIP", "") for p in out["items"]}


def turns_served(ip: str, port: int) -> int:
    """The pod's own count of chat turns (todo_chat_turns_total on its /metrics)."""
    with urllib.request.urlopen(f"http://{ip}:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("todo_chat_turns_total"))


def replicas(base: str, namespace: str, selector: str) -> None:
    pods = ready_pods(namespace, selector)
    if len(pods) < 3:
        fail(f"{len(pods)} ready todo-chat pods, expected 3: {pods}")
    ips = pod_ips(namespace, selector)
    port = int(base.rsplit(":", 1)[1])
    start = {pod: turns_served(ips[pod], port) for pod in pods}
    conversation, turns, titles, served = None, 0, [], {}
    while turns < 60:
        for _ in range(6):
            turns += 1
            status, answer = turn(base, f"add a task to check replica turn {turns}", conversation)
            if status != 200:
                fail(f"turn {turns}: {status} {answer}")
            if conversation is not None and answer["conversation_id"] != conversation:
                fail(f"turn {turns} answered in conversation {answer['conversation_id']}, not {conversation}")
            conversation = answer["conversation_id"]
            titles.append(added_title(answer))
        served = {pod: turns_served(ips[pod], port) - start[pod] for pod in pods}
        if all(served.values()):
            break
    for pod, n in served.items():
        print(f"    {pod} ({ips[pod]}): {n} of the turns")
    if not all(served.values()) or sum(served.values()) != turns:
        fail(f"after {turns} turns: {served}")
    status, messages = all_messages(base, conversation)
    if status != 200:
        fail(f"messages of conversation {conversation}: {status} {messages}")
    asked = [m["content"] for m in messages if m["role"] == "user"]
    expected = [f"add a task to check replica turn {n}" for n in range(1, turns + 1)]
    if asked != expected or len(messages) != 2 * turns:
        fail(f"conversation {conversation} holds {len(messages)} messages, expected {2 * turns} in order")
    status, tasks = all_tasks(base, USER)
    missing = [t for t in titles if t not in {x["title"] for x in tasks}]
    if status != 200 or missing or None in titles:
        fail(f"tasks after the conversation: {status}, missing {missing}")
    print(f"    one conversation ({conversation}): {turns} turns through the Service, served by all "
          f"{len(pods)} replicas (each pod's todo_chat_turns_total); all {2 * turns} messages and "
          f"{len(titles)} tasks read back in order")


def kill(base: str, namespace: str, selector: str) -> None:
    pods = ready_pods(namespace, selector)
    if len(pods) < 2:
        fail(f"{len(pods)} ready todo-chat pods; the kill needs at least 2")
    victim = pods[0]
    stop = time.monotonic() + 20
    acked: list[tuple[int, str, str]] = []  # (conversation, message, title)
    errors: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        conversation, n = None, 0
        while time.monotonic() < stop:
            n += 1
            message = f"add a task to load {k}-{n}"
            status, answer = turn(base, message, conversation)
            if status == 200:
                conversation = answer["conversation_id"]
                with lock:
                    acked.append((conversation, message, added_title(answer)))
                time.sleep(0.05)
            else:
                with lock:
                    errors.append(f"{status} {str(answer)[:120]}")
                time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(5)
    kubectl("delete", "pod", "-n", namespace, victim, "--wait=false")
    print(f"    deleted {victim} under load (4 clients)")
    for t in threads:
        t.join()
    status, tasks = all_tasks(base, USER)
    if status != 200:
        fail(f"GET tasks: {status} {tasks}")
    stored = [x["title"] for x in tasks]
    lost = [a for a in acked if a[2] is None or a[2] not in stored]
    conversations: dict[int, list[str]] = {}
    for conversation in {a[0] for a in acked}:
        status, messages = all_messages(base, conversation)
        conversations[conversation] = [m["content"] for m in messages if m["role"] == "user"] if status == 200 else []
    lost += [a for a in acked if a[1] not in conversations[a[0]]]
    print(f"    {len(acked)} turns acknowledged, {len(errors)} refused or failed during the kill "
          f"(never acknowledged, the client may retry), {len(lost)} acknowledged turns lost")
    for e in sorted(set(errors))[:5]:
        print(f"      refused: {e}")
    if lost:
        fail(f"acknowledged turns lost: {lost[:5]}")
    if len(acked) < 20:
        fail(f"only {len(acked)} turns acknowledged in 20 s: the Service did not keep serving")


def all_tasks(base: str, user: str) -> tuple[int, list]:
    """Every task of the user, page by page (GET /tasks answers 100 by default, 500 at most)."""
    found: list = []
    while True:
        status, page = call(f"{base}/api/{user}/tasks?status=all&limit=500&offset={len(found)}")
        if status != 200 or not page:
            return status, found if status == 200 else page
        found.extend(page)


def all_messages(base: str, conversation: int) -> tuple[int, list]:
    """Every message of a conversation, oldest first. A page holds the newest messages before the
    `before` cursor (500 at most), so a long conversation takes several pages."""
    found: list = []
    while True:
        cursor = f"&before={found[0]['id']}" if found else ""
        status, page = call(f"{base}/api/{USER}/conversations/{conversation}/messages?limit=500{cursor}")
        if status != 200 or not page:
            return status, found if status == 200 else page
        found = page + found


def tasks(base: str, user: str) -> None:
    global USER
    USER = user
    status, body = all_tasks(base, user)
    if status != 200:
        fail(f"GET tasks: {status} {body}")
    print(len(body))


def main() -> None:
    if len(sys.argv) < 3:
        fail(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    {"replicas": replicas, "kill": kill, "tasks": tasks}[command](*args)


if __name__ == "__main__":
    main()
