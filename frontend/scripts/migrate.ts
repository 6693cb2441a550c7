// Creates or updates Better Auth's tables (the `auth` CLI needs Node 22; this needs nothing).
import { getMigrations } from "better-auth/db/migration";
import { authOptions } from "../lib/auth";

const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(authOptions());
await runMigrations();
console.log(`auth migrations applied (${toBeCreated.length} tables created, ${toBeAdded.length} altered)`);
process.exit(0);
