"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, removeOnUnload, type Task } from "@/lib/api";
import Icon from "./Icon";

type Filter = "all" | "pending" | "completed";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "completed", label: "Done" },
];
/// How long the Undo offer stays; the DELETE is sent only when it ends.
export const UNDO_MS = 6000;
/// From this many tasks on, the list offers a search box.
const SEARCH_FROM = 6;

type PendingDelete = { task: Task; timer: ReturnType<typeof setTimeout> };

type Props = { id: string; active: boolean; version: number; onChanged: () => void };

export default function TaskList({ id, active, version, onChanged }: Props) {
  const [filter, setFilter] = useState<Filter>("all");
  const [query, setQuery] = useState("");
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<PendingDelete | null>(null);
  const pendingRef = useRef<PendingDelete | null>(null);
  const focusAfter = useRef<string | null>(null);

  const load = useCallback(() => {
    api.tasks().then((list) => { setTasks(list); setError(null); })
      .catch((e) => setError(e instanceof ApiError ? e.message : "Could not load tasks."));
  }, []);

  useEffect(() => { load(); }, [version, load]);

  useEffect(() => {
    if (focusAfter.current) {
      document.getElementById(focusAfter.current)?.focus();
      focusAfter.current = null;
    }
  });

  // A delete still waiting for its Undo goes out when the page goes away.
  useEffect(() => {
    const flush = () => {
      const pending = pendingRef.current;
      if (pending) {
        clearTimeout(pending.timer);
        pendingRef.current = null;
        removeOnUnload(pending.task.id);
      }
    };
    window.addEventListener("pagehide", flush);
    return () => { window.removeEventListener("pagehide", flush); flush(); };
  }, []);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "That did not work; try again.");
    }
    load();
    onChanged();
  }

  const commitDelete = useCallback((pending: PendingDelete) => {
    clearTimeout(pending.timer);
    if (pendingRef.current === pending) {
      pendingRef.current = null;
      setDeleting(null);
    }
    api.remove(pending.task.id)
      .catch((e) => { if (!(e instanceof ApiError && e.status === 404)) setError(e instanceof ApiError ? e.message : "Could not delete the task."); })
      .finally(() => { load(); onChanged(); });
  }, [load, onChanged]);

  function startDelete(task: Task) {
    if (pendingRef.current) commitDelete(pendingRef.current);
    const pending: PendingDelete = { task, timer: setTimeout(() => commitDelete(pending), UNDO_MS) };
    pendingRef.current = pending;
    setDeleting(pending);
    focusAfter.current = "undo-delete";
  }

  function undo() {
    const pending = pendingRef.current;
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingRef.current = null;
    setDeleting(null);
    focusAfter.current = `delete-task-${pending.task.id}`;
  }

  function save(task: Task, form: FormData) {
    const title = String(form.get("title") ?? "").trim();
    const description = String(form.get("description") ?? "").trim();
    setEditing(null);
    focusAfter.current = `edit-task-${task.id}`;
    const changes: { title?: string; description?: string } = {};
    if (title && title !== task.title) changes.title = title;
    if (description !== (task.description ?? "")) changes.description = description;
    if (Object.keys(changes).length > 0) void act(() => api.update(task.id, changes));
  }

  function cancelEdit(task: Task) {
    setEditing(null);
    focusAfter.current = `edit-task-${task.id}`;
  }

  const all = (tasks ?? []).filter((t) => t.id !== deleting?.task.id);
  const counts = { all: all.length, pending: all.filter((t) => !t.completed).length, completed: all.filter((t) => t.completed).length };
  const needle = query.trim().toLowerCase();
  const shown = all
    .filter((t) => filter === "all" || (filter === "completed") === t.completed)
    .filter((t) => !needle || t.title.toLowerCase().includes(needle) || (t.description ?? "").toLowerCase().includes(needle));

  return (
    <aside id={id} className="tasks panel" data-active={active} aria-labelledby="tasks-heading">
      <div className="tasks-head">
        <h2 id="tasks-heading">Your tasks</h2>
        <div role="group" aria-label="Filter tasks" className="filters">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>
              {f.label} <span className="count">{counts[f.value]}</span>
            </button>
          ))}
        </div>
        {(all.length >= SEARCH_FROM || query) && (
          <input type="search" className="search" aria-label="Search tasks" placeholder="Search tasks"
            value={query} onChange={(e) => setQuery(e.target.value)} />
        )}
      </div>
      <div role="status" className="toast-slot">
        {deleting && (
          <div className="toast">
            <span>Deleted &ldquo;{deleting.task.title}&rdquo;.</span>
            <button type="button" id="undo-delete" onClick={undo}>Undo</button>
          </div>
        )}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {tasks === null ? (
        <p className="empty">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="empty">
          {needle ? <>No tasks match &ldquo;{query.trim()}&rdquo;.</>
            : filter === "pending" ? "Nothing pending."
            : filter === "completed" ? "No completed tasks."
            : <>No tasks yet. Try &ldquo;add a task to buy milk&rdquo;.</>}
        </p>
      ) : (
        <ul className="task-list">
          {shown.map((task) => (
            <li key={task.id} className={`task${task.completed ? " done" : ""}`} data-testid="task" data-task={task.id}>
              {editing === task.id ? (
                <form className="edit" onSubmit={(e) => { e.preventDefault(); save(task, new FormData(e.currentTarget)); }}
                  onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); cancelEdit(task); } }}>
                  <label htmlFor={`title-${task.id}`}>Title of task {task.id}</label>
                  <input id={`title-${task.id}`} name="title" defaultValue={task.title} autoFocus required maxLength={200} />
                  <label htmlFor={`description-${task.id}`}>Description</label>
                  <textarea id={`description-${task.id}`} name="description" defaultValue={task.description ?? ""} rows={2} maxLength={1000} />
                  <div className="row">
                    <button type="submit" className="primary small">Save</button>
                    <button type="button" className="small" onClick={() => cancelEdit(task)}>Cancel</button>
                  </div>
                </form>
              ) : (
                <>
                  <button type="button" className="icon check" id={`toggle-task-${task.id}`}
                    data-tip={task.completed ? "Reopen" : "Mark done"}
                    aria-label={task.completed ? `Reopen “${task.title}”` : `Mark “${task.title}” done`}
                    onClick={() => {
                      focusAfter.current = `toggle-task-${task.id}`;
                      void act(() => (task.completed ? api.update(task.id, { completed: false }) : api.complete(task.id)));
                    }}>
                    <Icon name={task.completed ? "check" : "circle"} />
                  </button>
                  <div className="body">
                    <span className="title">{task.title}</span>
                    {task.description && <p className="description">{task.description}</p>}
                  </div>
                  <span className="number" title={`Task number ${task.id}`}>#{task.id}</span>
                  <span className="actions">
                    <button type="button" className="icon" id={`edit-task-${task.id}`} data-tip="Edit" aria-label={`Edit “${task.title}”`}
                      onClick={() => setEditing(task.id)}><Icon name="edit" /></button>
                    <button type="button" className="icon" id={`delete-task-${task.id}`} data-tip="Delete" aria-label={`Delete “${task.title}”`}
                      onClick={() => startDelete(task)}><Icon name="trash" /></button>
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
