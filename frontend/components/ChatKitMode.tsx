"use client";
// ChatKit mode (docs/chatkit.md; the /chatkit page, so nothing here is in the default page's
// first-load JavaScript): loads ChatKit's web component from OpenAI's CDN and shows it
// (components/ChatKitView.tsx, with @openai/chatkit-react, loaded only once the element exists).
// When the script does not load, or does not define <openai-chatkit> within
// CHATKIT_LOAD_TIMEOUT_MS, the page says so and shows the app's own chat widget instead.
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { CHATKIT_ELEMENT, CHATKIT_SCRIPT_URL, fallbackNotice, waitForChatKit, type ChatKitLoad } from "@/lib/chat-ui";
import ChatApp from "./ChatApp";

function Loading() {
  return <p className="chatkit-loading" role="status">Loading the chat…</p>;
}

const ChatKitView = dynamic(() => import("./ChatKitView"), { ssr: false, loading: Loading });

// One script element per page, however often the component mounts.
let scriptLoad: Promise<void> | undefined;
function loadScript(): Promise<void> {
  scriptLoad ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = CHATKIT_SCRIPT_URL;
    script.async = true;
    script.addEventListener("load", () => resolve());
    script.addEventListener("error", () => {
      script.remove();
      scriptLoad = undefined;
      reject(new Error(`could not load ${CHATKIT_SCRIPT_URL}`));
    });
    document.head.appendChild(script);
  });
  return scriptLoad;
}

type Props = { userName: string; initialConversation?: number; domainKey: string };

export default function ChatKitMode({ userName, initialConversation, domainKey }: Props) {
  const [load, setLoad] = useState<ChatKitLoad | null>(null);

  useEffect(() => {
    let live = true;
    void waitForChatKit({ loadScript, whenDefined: () => customElements.whenDefined(CHATKIT_ELEMENT) }).then((result) => {
      if (!live) return;
      if (!result.ok) console.warn(`ChatKit: ${result.reason}; showing the built-in chat`);
      setLoad(result);
    });
    return () => { live = false; };
  }, []);

  if (!load) return <Loading />;
  if (load.ok) return <ChatKitView userName={userName} domainKey={domainKey} />;
  return <ChatApp userName={userName} initialConversation={initialConversation} notice={fallbackNotice(load.reason)} />;
}
