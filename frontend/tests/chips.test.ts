import { describe, expect, it } from "vitest";
import { changesTasks, describeToolCall } from "@/lib/chips";

const task = (id: number, title: string) => ({ id, title, description: null, completed: false });

describe("tool-call chips", () => {
  it("names what each tool did", () => {
    expect(describeToolCall({ name: "add_task", arguments: { title: "Buy milk" }, result: { task_id: 1, status: "created", title: "Buy milk", task: task(1, "Buy milk") } })).toBe("added 'Buy milk'");
    expect(describeToolCall({ name: "complete_task", arguments: { task_id: 3 }, result: { task_id: 3, status: "completed", title: "x" } })).toBe("completed task 3");
    expect(describeToolCall({ name: "delete_task", arguments: { task_id: 4 }, result: { task_id: 4, status: "deleted", title: "x" } })).toBe("deleted task 4");
    expect(describeToolCall({ name: "update_task", arguments: { task_id: 2, completed: false }, result: { task_id: 2, status: "updated", title: "x" } })).toBe("reopened task 2");
    expect(describeToolCall({ name: "update_task", arguments: { task_id: 2, title: "Call dad" }, result: { task_id: 2, status: "updated", title: "Call dad" } })).toBe("renamed task 2 to 'Call dad'");
    expect(describeToolCall({ name: "update_task", arguments: { task_id: 2, description: "d" }, result: { task_id: 2, status: "updated", title: "x" } })).toBe("updated task 2");
    expect(describeToolCall({ name: "list_tasks", arguments: {}, result: { tasks: [task(1, "a"), task(2, "b")] } })).toBe("listed 2 tasks");
    expect(describeToolCall({ name: "list_tasks", arguments: {}, result: [task(1, "a")] })).toBe("listed 1 task");
  });

  it("says when a call failed, and a failed or read-only call changes no task", () => {
    const failedCall = { name: "complete_task", arguments: { task_id: 42 }, result: { error: "Task 42 not found" } };
    expect(describeToolCall(failedCall)).toBe("could not complete task 42");
    expect(changesTasks(failedCall)).toBe(false);
    expect(changesTasks({ name: "list_tasks", arguments: {}, result: { tasks: [] } })).toBe(false);
    expect(changesTasks({ name: "add_task", arguments: { title: "a" }, result: { task_id: 1 } })).toBe(true);
  });
});
