// GET /api/token: a short-lived token for the signed-in user (for MCP clients and tools; the
// web app itself goes through the same-origin proxy and never needs it).
import { sessionFrom } from "@/lib/auth";
import { requireEnv } from "@/lib/env";
import { tokenResponse } from "@/lib/token-route";

export async function GET(request: Request) {
  return tokenResponse(await sessionFrom(request.headers), requireEnv("BETTER_AUTH_SECRET"));
}
