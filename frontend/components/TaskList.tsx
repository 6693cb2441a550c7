"use client";
import { useEffect, useState } from "react";
import { api, ApiError, type Task } from "@/lib/api";

type Filter = "all" | "pending" | "completed";

export default function TaskList({ version, onChanged }: { version: number; onChanged: () => void }) {
  const [filter, setFilter] = useState<Filter>("all");
  const [tasks, setTasks] = useState<Task[]>([]);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.tasks(filter).then(setTasks).catch((e) => setError(e instanceof ApiError ? e.message : "Could not load tasks."));
  }, [filter, version]);

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "That did not work; try again.");
    }
    onChanged();
  }

  return (
    <aside className="tasks" aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">Your tasks</h2>
      <div role="group" aria-label="Filter tasks" className="filters">
        {(["all", "pending", "completed"] as const).map((f) => (
          <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>{f}</button>
        ))}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {tasks.length === 0 ? (
        <p className="empty">No {filter === "all" ? "" : `${filter} `}tasks.</p>
      ) : (
        <ul>
          {tasks.map((task) => (
            <li key={task.id} className={task.completed ? "done" : undefined} data-testid="task">
              {editing === task.id ? (
                <form onSubmit={(e) => {
                  e.preventDefault();
                  const title = String(new FormData(e.currentTarget).get("title"));
                  setEditing(null);
                  void act(() => api.rename(task.id, title));
                }}>
                  <label className="sr-only" htmlFor={`title-${task.id}`}>Title of task {task.id}</label>
                  <input id={`title-${task.id}`} name="title" defaultValue={task.title} autoFocus maxLength={200}
                    onKeyDown={(e) => e.key === "Escape" && setEditing(null)} />
                  <button type="submit">Save</button>
                </form>
              ) : (
                <>
                  <span className="title">{task.title}</span>
                  <span className="meta">#{task.id}{task.completed ? " · done" : ""}</span>
                  <span className="actions">
                    {!task.completed && (
                      <button type="button" aria-label={`Complete ${task.title}`} onClick={() => void act(() => api.complete(task.id))}>✓</button>
                    )}
                    <button type="button" aria-label={`Edit ${task.title}`} onClick={() => setEditing(task.id)}>✎</button>
                    <button type="button" aria-label={`Delete ${task.title}`} onClick={() => void act(() => api.remove(task.id))}>✕</button>
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
