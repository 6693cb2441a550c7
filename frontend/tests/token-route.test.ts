import { describe, expect, it } from "vitest";
import { jwtVerify, decodeProtectedHeader } from "jose";
import { tokenResponse } from "@/lib/token-route";

const SECRET = "unit-test-secret-0123456789abcdefghij";
const session = { user: { id: "user-42", email: "ada@example.com", name: "Ada" } };

describe("GET /api/token", () => {
  it("gives a signed-in user a 15-minute HS256 token for their own id", async () => {
    const response = await tokenResponse(session, SECRET);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { token, expires_at } = await response.json();
    expect(decodeProtectedHeader(token).alg).toBe("HS256");
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ["HS256"] });
    expect(payload.sub).toBe("user-42");
    expect(payload.email).toBe("ada@example.com");
    const now = Math.floor(Date.now() / 1000);
    expect(payload.exp).toBe(expires_at);
    expect(expires_at - now).toBeGreaterThan(14 * 60);
    expect(expires_at - now).toBeLessThanOrEqual(15 * 60);
  });

  it("rejects a token checked with another secret", async () => {
    const { token } = await (await tokenResponse(session, SECRET)).json();
    await expect(jwtVerify(token, new TextEncoder().encode("another-secret-0123456789abcdefgh"))).rejects.toThrow();
  });

  it("answers 401 without a session", async () => {
    const response = await tokenResponse(null, SECRET);
    expect(response.status).toBe(401);
    expect((await response.json()).detail).toMatch(/sign in/i);
  });
});
