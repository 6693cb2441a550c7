// One short line per tool call for the chat's chips: "added 'Buy milk'", "completed task 3".

export type ToolCall = { name: string; arguments: unknown; result: unknown };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/// True when the call changed the task list (any tool but list_tasks that did not fail).
export function changesTasks(call: ToolCall): boolean {
  return call.name !== "list_tasks" && !failed(call);
}

export function failed(call: ToolCall): boolean {
  const result = obj(call.result);
  return typeof result.error === "string" || result.isError === true;
}

export function describeToolCall(call: ToolCall): string {
  const args = obj(call.arguments);
  const result = obj(call.result);
  const task = obj(result.task);
  const number = result.task_id ?? task.id ?? args.task_id;
  const title = typeof result.title === "string" ? result.title : typeof args.title === "string" ? args.title : undefined;
  const which = number !== undefined ? `task ${number}` : "a task";
  if (failed(call)) {
    const verb = { add_task: "add", complete_task: "complete", delete_task: "delete", update_task: "update", list_tasks: "list" }[call.name];
    return verb ? `could not ${verb} ${call.name === "add_task" || call.name === "list_tasks" ? "tasks" : which}` : `${call.name} failed`;
  }
  switch (call.name) {
    case "add_task":
      return title ? `added '${title}'` : "added a task";
    case "complete_task":
      return `completed ${which}`;
    case "delete_task":
      return `deleted ${which}`;
    case "update_task":
      if (args.completed === false) return `reopened ${which}`;
      if (args.completed === true) return `completed ${which}`;
      return title && typeof args.title === "string" ? `renamed ${which} to '${title}'` : `updated ${which}`;
    case "list_tasks": {
      const tasks = Array.isArray(result.tasks) ? result.tasks : Array.isArray(call.result) ? call.result : undefined;
      return tasks ? `listed ${tasks.length} task${tasks.length === 1 ? "" : "s"}` : "listed tasks";
    }
    default:
      return call.name.replace(/_/g, " ");
  }
}
