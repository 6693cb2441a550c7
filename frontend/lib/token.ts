// The contract's token for todo-chat: HS256, signed with BETTER_AUTH_SECRET, sub = the Better
// Auth user id, 15 minutes.
import { SignJWT } from "jose";
import type { Session } from "./auth";

export const TOKEN_TTL_SECONDS = 15 * 60;

export async function mintToken(session: Session, secret: string, now = Math.floor(Date.now() / 1000)) {
  const expiresAt = now + TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ email: session.user.email, name: session.user.name })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(session.user.id)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
  return { token, expires_at: expiresAt };
}
