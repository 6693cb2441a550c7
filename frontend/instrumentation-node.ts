// Refuse to start without the secrets, and name them.
import { REQUIRED_AT_START } from "./lib/env";
import { chatUiConfig } from "./lib/chat-ui";

const missing = REQUIRED_AT_START.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`todo web app: ${missing.join(", ")} must be set (see frontend/README.md)`);
  process.exit(1);
}

// The chat UI (docs/chatkit.md): said once at start; a mistyped value or a missing ChatKit
// domain key is a warning, not a refusal (the built-in widget, or ChatKit on localhost, works).
const ui = chatUiConfig(process.env);
console.log(`todo web app: chat UI ${ui.mode === "chatkit" ? "ChatKit (falls back to the built-in widget)" : "built-in widget"}`);
if (ui.warning) console.warn(`todo web app: ${ui.warning}`);
