"""todo-chat's `POST /chatkit` checked with ChatKit's own server SDK types (openai-chatkit,
pinned in requirements.txt): every request is built from the SDK's request models, every JSON
answer must parse as the type the SDK's server answers with, and every Server-Sent Event as a
`ThreadStreamEvent`. A field the SDK does not know fails the check too.

Usage: CHAT_URL=http://127.0.0.1:PORT BETTER_AUTH_SECRET=... python conformance.py
Prints one line per check and, last, `N passed, M failed`; exits non-zero on any failure.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from pydantic import BaseModel, TypeAdapter

from chatkit.types import (
    FeedbackKind,
    InferenceOptions,
    ItemFeedbackParams,
    ItemsFeedbackReq,
    ItemsListParams,
    ItemsListReq,
    Page,
    Thread,
    ThreadAddUserMessageParams,
    ThreadCreateParams,
    ThreadDeleteParams,
    ThreadGetByIdParams,
    ThreadItem,
    ThreadListParams,
    ThreadRetryAfterItemParams,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    ThreadsUpdateReq,
    ThreadUpdateParams,
    UserMessageInput,
    UserMessageTextContent,
)

CHAT_URL = os.environ["CHAT_URL"].rstrip("/")
SECRET = os.environ["BETTER_AUTH_SECRET"].encode()

EVENT = TypeAdapter(ThreadStreamEvent)
THREAD = TypeAdapter(Thread)
THREADS = TypeAdapter(Page[Thread])
ITEMS = TypeAdapter(Page[ThreadItem])

results: list[tuple[bool, str]] = []


def check(ok: bool, what: str, detail: Any = "") -> bool:
    results.append((ok, what))
    print(f"{'PASS' if ok else 'FAIL'} {what}" + ("" if ok or detail == "" else f": {detail}"))
    return ok


def token(user: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": user, "iat": now, "exp": now + 3600}).encode())
    signature = hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


def post(user: str, request: BaseModel) -> tuple[int, str, str]:
    """Sends a request built from the SDK's model: (status, content type, body)."""
    data = request.model_dump_json(exclude_none=True).encode()
    req = urllib.request.Request(
        f"{CHAT_URL}/chatkit",
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {token(user)}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers.get("content-type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read().decode()


def unknown_fields(raw: Any, model: Any, path: str = "") -> list[str]:
    """Keys of the answer the SDK's model does not have (pydantic would ignore them)."""
    if isinstance(model, BaseModel) and isinstance(raw, dict):
        dumped = model.model_dump(mode="json", by_alias=True)
        extra = [f"{path}.{k}" for k in raw if k not in dumped]
        for key, value in raw.items():
            if key in dumped:
                extra += unknown_fields(value, getattr(model, key, None), f"{path}.{key}")
        return extra
    if isinstance(raw, list) and isinstance(model, list) and len(raw) == len(model):
        return [e for r, m in zip(raw, model) for e in unknown_fields(r, m, f"{path}[]")]
    return []


def parsed(adapter: TypeAdapter, body: str, what: str) -> Any:
    try:
        value = adapter.validate_json(body)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        check(False, what, f"{e}; body {body[:300]}")
        return None
    extra = unknown_fields(json.loads(body), value)
    check(not extra, what, f"fields the SDK does not know: {extra}")
    return value


def json_call(user: str, request: BaseModel, adapter: TypeAdapter | None, what: str) -> Any:
    status, kind, body = post(user, request)
    if not check(status == 200 and kind.startswith("application/json"), f"{what}: 200 JSON", f"{status} {kind} {body[:200]}"):
        return None
    if adapter is None:
        check(json.loads(body) == {}, f"{what}: answers {{}}", body)
        return {}
    return parsed(adapter, body, f"{what}: parses as the SDK's type")


def stream(user: str, request: BaseModel, what: str) -> list:
    status, kind, body = post(user, request)
    if not check(status == 200 and kind.startswith("text/event-stream"), f"{what}: 200 event stream", f"{status} {kind} {body[:200]}"):
        return []
    events = []
    frames = [f for f in body.split("\n\n") if f.strip()]
    bad = [f for f in frames if not f.startswith("data: ")]
    check(not bad, f"{what}: every frame is `data: <event>`", bad[:2])
    for frame in frames:
        if frame.startswith("data: "):
            try:
                event = EVENT.validate_json(frame[len("data: "):])
            except Exception as e:  # noqa: BLE001
                check(False, f"{what}: event parses as ThreadStreamEvent", f"{e}; {frame[:300]}")
                continue
            extra = unknown_fields(json.loads(frame[len("data: "):]), event)
            if extra:
                check(False, f"{what}: event fields known to the SDK", extra)
            events.append(event)
    check(len(events) == len(frames), f"{what}: all {len(frames)} events parse as ThreadStreamEvent")
    return events


def user_input(text: str) -> UserMessageInput:
    return UserMessageInput(
        content=[UserMessageTextContent(text=text)], attachments=[], inference_options=InferenceOptions()
    )


def reply_text(events: list) -> str:
    done = [e for e in events if e.type == "thread.item.done" and e.item.type == "assistant_message"]
    return done[-1].item.content[0].text if done else ""


def all_items(user: str, thread_id: str, order: str, limit: int, what: str) -> list:
    items, after = [], None
    while True:
        page = json_call(user, ItemsListReq(params=ItemsListParams(thread_id=thread_id, order=order, limit=limit, after=after)), ITEMS, what)
        if page is None:
            return items
        items += page.data
        if not page.has_more:
            return items
        after = page.after


def main() -> None:
    alice, mallory = f"kit-alice-{time.time_ns()}", f"kit-mallory-{time.time_ns()}"

    # Create a thread with a message that adds a task.
    events = stream(alice, ThreadsCreateReq(params=ThreadCreateParams(input=user_input("add a task to buy milk"))), "threads.create")
    kinds = [e.type for e in events]
    check(kinds[:3] == ["thread.created", "thread.item.done", "stream_options"], "threads.create: the thread, the user message, the stream options first", kinds)
    check("progress_update" in kinds, "threads.create: progress while the tool runs", kinds)
    check(any(e.type == "thread.item.done" and e.item.type == "task" for e in events), "threads.create: the tool call as a task item", kinds)
    check({"thread.item.added", "thread.item.updated"} <= set(kinds), "threads.create: the reply added, then updated", kinds)
    check("milk" in reply_text(events), "threads.create: the reply says the task was added", reply_text(events))
    thread = events[0].thread.id if events and events[0].type == "thread.created" else "thr_0"

    # Continue it.
    events = stream(alice, ThreadsAddUserMessageReq(params=ThreadAddUserMessageParams(thread_id=thread, input=user_input("add call mom to my list"))), "threads.add_user_message")
    events = stream(alice, ThreadsAddUserMessageReq(params=ThreadAddUserMessageParams(thread_id=thread, input=user_input("what's pending?"))), "threads.add_user_message (list)")
    check("call mom" in reply_text(events) and "milk" in reply_text(events), "threads.add_user_message: the reply lists both tasks", reply_text(events))

    # Get it, and page its items both ways.
    whole = json_call(alice, ThreadsGetByIdReq(params=ThreadGetByIdParams(thread_id=thread)), THREAD, "threads.get_by_id")
    items = all_items(alice, thread, "asc", 100, "items.list")
    check([i.type for i in items] == ["user_message", "task", "assistant_message"] * 3, "items.list: user message, tool call, reply per turn", [i.type for i in items])
    if whole is not None:
        check([i.id for i in whole.items.data] == [i.id for i in items], "threads.get_by_id: its first items are the thread's items")
    paged = all_items(alice, thread, "asc", 2, "items.list (pages of 2)")
    check([i.id for i in paged] == [i.id for i in items], "items.list: pages of 2 hold the same items in order")
    backwards = all_items(alice, thread, "desc", 4, "items.list (desc, pages of 4)")
    check([i.id for i in backwards] == [i.id for i in reversed(items)], "items.list: newest first, the same items reversed")

    # Threads, paged.
    for text in ["add water the plants to my list", "show all my tasks"]:
        stream(alice, ThreadsCreateReq(params=ThreadCreateParams(input=user_input(text))), "threads.create (more)")
    first = json_call(alice, ThreadsListReq(params=ThreadListParams(limit=2)), THREADS, "threads.list")
    if first is not None:
        check(first.has_more and len(first.data) == 2, "threads.list: a first page of 2, more to come")
        rest = json_call(alice, ThreadsListReq(params=ThreadListParams(limit=2, after=first.after)), THREADS, "threads.list (next page)")
        if rest is not None:
            check(not rest.has_more and [t.id for t in rest.data] == [thread], "threads.list: the next page ends with the first thread", [t.id for t in rest.data])
    ascending = json_call(alice, ThreadsListReq(params=ThreadListParams(order="asc")), THREADS, "threads.list (asc)")
    if ascending is not None:
        check(ascending.data and ascending.data[0].id == thread, "threads.list: oldest first starts with the first thread")

    # Rename.
    renamed = json_call(alice, ThreadsUpdateReq(params=ThreadUpdateParams(thread_id=thread, title="Errands")), THREAD, "threads.update")
    if renamed is not None:
        check(renamed.title == "Errands", "threads.update: the new title")

    # Feedback on the first reply.
    kind: FeedbackKind = "positive"
    if len(items) >= 3:
        json_call(alice, ItemsFeedbackReq(params=ItemFeedbackParams(thread_id=thread, item_ids=[items[2].id], kind=kind)), None, "items.feedback")

    # Retry after the last user message: the items after it are replaced by a new answer.
    if len(items) == 9:
        events = stream(alice, ThreadsRetryAfterItemReq(params=ThreadRetryAfterItemParams(thread_id=thread, item_id=items[6].id)), "threads.retry_after_item")
        check("call mom" in reply_text(events), "threads.retry_after_item: a new answer", reply_text(events))
        again = all_items(alice, thread, "asc", 100, "items.list (after the retry)")
        check([i.id for i in again[:7]] == [i.id for i in items[:7]] and len(again) == 9 and again[8].id != items[8].id,
              "threads.retry_after_item: the items up to the message stay, the answer is new")

    # Another user's thread answers exactly like a missing one.
    item_id = items[0].id if items else "msg_1"
    for name, make in [
        ("threads.get_by_id", lambda t: ThreadsGetByIdReq(params=ThreadGetByIdParams(thread_id=t))),
        ("items.list", lambda t: ItemsListReq(params=ItemsListParams(thread_id=t))),
        ("threads.update", lambda t: ThreadsUpdateReq(params=ThreadUpdateParams(thread_id=t, title="mine"))),
        ("threads.delete", lambda t: ThreadsDeleteReq(params=ThreadDeleteParams(thread_id=t))),
        ("items.feedback", lambda t: ItemsFeedbackReq(params=ItemFeedbackParams(thread_id=t, item_ids=[item_id], kind="negative"))),
        ("threads.add_user_message", lambda t: ThreadsAddUserMessageReq(params=ThreadAddUserMessageParams(thread_id=t, input=user_input("delete all my tasks")))),
        ("threads.retry_after_item", lambda t: ThreadsRetryAfterItemReq(params=ThreadRetryAfterItemParams(thread_id=t, item_id=item_id))),
    ]:
        theirs = post(mallory, make(thread))
        missing = post(mallory, make("thr_999999999"))
        check(theirs[0] == 404 and theirs == missing, f"{name}: another user's thread answers like a missing one", (theirs, missing))
    after = all_items(alice, thread, "asc", 100, "items.list (untouched by another user)")
    check(len(after) == 9, "the owner's thread is untouched")

    # Delete.
    json_call(alice, ThreadsDeleteReq(params=ThreadDeleteParams(thread_id=thread)), None, "threads.delete")
    status, _, _ = post(alice, ThreadsGetByIdReq(params=ThreadGetByIdParams(thread_id=thread)))
    check(status == 404, "threads.delete: the thread is gone", status)

    failed = sum(1 for ok, _ in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
