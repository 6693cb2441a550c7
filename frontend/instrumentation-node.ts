// Refuse to start without the secrets, and name them.
import { REQUIRED_AT_START } from "./lib/env";

const missing = REQUIRED_AT_START.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`todo web app: ${missing.join(", ")} must be set (see frontend/README.md)`);
  process.exit(1);
}
