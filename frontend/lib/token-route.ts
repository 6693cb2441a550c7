import type { Session } from "./auth";
import { mintToken } from "./token";

const noStore = { "cache-control": "no-store" };

export async function tokenResponse(session: Session | null, secret: string): Promise<Response> {
  if (!session) {
    return Response.json({ detail: "Sign in first." }, { status: 401, headers: noStore });
  }
  return Response.json(await mintToken(session, secret), { headers: noStore });
}
