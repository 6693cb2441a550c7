"use client";
// ChatKit's web component (defined by the script ChatKitMode loaded) talking to todo-chat's
// ChatKit server protocol through the same-origin proxy /api/chatkit, beside the task list.
// ChatKit has its own thread history, so there is no conversation column; the task list
// refreshes after every ChatKit response.
import { useState } from "react";
import { ChatKit, useChatKit, type UseChatKitOptions } from "@openai/chatkit-react";
import { chatKitOptions } from "@/lib/chat-ui";
import TaskList from "./TaskList";
import TopBar from "./TopBar";
import Tabs, { type TabSpec } from "./Tabs";

type Tab = "chat" | "tasks";

export default function ChatKitView({ userName, domainKey }: { userName: string; domainKey: string }) {
  const [tab, setTab] = useState<Tab>("chat");
  const [tasksVersion, setTasksVersion] = useState(0);
  const options: UseChatKitOptions = {
    ...chatKitOptions(domainKey),
    onResponseEnd: () => setTasksVersion((v) => v + 1),
    onError: ({ error }) => console.error("ChatKit:", error),
  };
  const { control } = useChatKit(options);

  const tabs: TabSpec<Tab>[] = [
    { value: "chat", label: "Chat" },
    { value: "tasks", label: "Tasks" },
  ];

  return (
    <div className="app chatkit-app" data-tab={tab}>
      <TopBar userName={userName} />
      <Tabs tabs={tabs} selected={tab} onSelect={setTab} />
      <section id="panel-chat" className="chatkit-panel panel" data-active={tab === "chat"} aria-label="Chat">
        <ChatKit control={control} className="chatkit" />
      </section>
      <TaskList id="panel-tasks" active={tab === "tasks"} version={tasksVersion} onChanged={() => undefined} />
    </div>
  );
}
