// Better Auth: email and password, on PostgreSQL in deployments (DATABASE_URL) or on the
// embedded SQLite file otherwise. Created on first use, so `next build` needs no secrets.
import path from "node:path";
import fs from "node:fs";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import Database from "better-sqlite3";
import { Pool } from "pg";
import { requireEnv } from "./env";

function open(): Pool | Database.Database {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return new Pool({ connectionString: url });
  }
  const file = process.env.AUTH_DATABASE_PATH ?? path.join(process.cwd(), "..", ".dev", "auth.db");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new Database(file);
}

let db: Pool | Database.Database | undefined;

function database(): Pool | Database.Database {
  db ??= open();
  return db;
}

/// Throws when Better Auth's database cannot answer (the readiness probe).
export async function pingDatabase(): Promise<void> {
  const handle = database();
  if (handle instanceof Pool) {
    await handle.query("select 1");
  } else {
    handle.prepare("select 1").get();
  }
}

export function authOptions(): BetterAuthOptions {
  return {
    database: database(),
    secret: requireEnv("BETTER_AUTH_SECRET"),
    baseURL: requireEnv("BETTER_AUTH_URL"),
    emailAndPassword: { enabled: true, minPasswordLength: 8 },
  };
}

let instance: ReturnType<typeof betterAuth> | undefined;

export function getAuth() {
  instance ??= betterAuth(authOptions());
  return instance;
}

export type Session = { user: { id: string; email: string; name: string } };

/// The signed-in user for these request headers, or null.
export async function sessionFrom(headers: Headers): Promise<Session | null> {
  const session = await getAuth().api.getSession({ headers });
  return session ? { user: { id: session.user.id, email: session.user.email, name: session.user.name } } : null;
}
