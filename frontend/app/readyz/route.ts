// Readiness: Better Auth's database answers, so sign-in can work.
import { pingDatabase } from "@/lib/auth";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await pingDatabase();
    return new Response("ready", { headers: { "content-type": "text/plain" } });
  } catch (error) {
    console.error("readyz: the auth database does not answer:", error);
    return new Response("the auth database does not answer", { status: 503 });
  }
}
