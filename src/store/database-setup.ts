/**
 * Making the database ready before the bot starts: reach Postgres (or say exactly how to start it),
 * create the database if it is missing and the role may, and apply pending migrations with the
 * Prisma CLI (Wasm schema engine, see prisma.config.ts).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { pendingMigrations } from "./migration-status.ts";

export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

const HOW_TO_START_POSTGRES =
  "Start Postgres with `docker compose up -d postgres`, or install it (Debian/Ubuntu: `sudo apt install postgresql`, macOS: `brew install postgresql@16 && brew services start postgresql@16`), then set DATABASE_URL (see .env.example).";

function describe(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}`;
}

/** Creates the database named in `databaseUrl` if it does not exist. Throws DatabaseUnreachableError. */
export async function ensureDatabase(databaseUrl: string): Promise<"created" | "exists"> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new DatabaseUnreachableError(
      `Cannot reach Postgres at ${describe(databaseUrl)} (${reason}). ${HOW_TO_START_POSTGRES}`,
    );
  }
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return "exists";
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return "created";
  } catch (error) {
    throw new DatabaseUnreachableError(
      `Database "${name}" does not exist and could not be created (${(error as Error).message}). Create it, or give the role CREATEDB.`,
    );
  } finally {
    await client.end();
  }
}

/**
 * Applies the migrations of prisma/migrations/ the database lacks. When `_prisma_migrations`
 * already holds every one (the usual start), the Prisma CLI is not run at all; otherwise
 * `prisma migrate deploy` runs (it takes Prisma's advisory lock, so instances starting together
 * apply each migration once) and the table is checked again afterwards.
 */
export async function applyMigrations(
  databaseUrl: string,
  cwd = process.cwd(),
): Promise<"applied" | "up-to-date"> {
  const dir = path.join(cwd, "prisma", "migrations");
  if ((await pendingMigrations(databaseUrl, dir)).length === 0) return "up-to-date";
  await migrateDeploy(databaseUrl, cwd);
  const left = await pendingMigrations(databaseUrl, dir);
  if (left.length) throw new Error(`prisma migrate deploy left migrations unapplied: ${left.join(", ")}`);
  return "applied";
}

/** Runs `prisma migrate deploy`. Rejects with the CLI's output on failure. */
function migrateDeploy(databaseUrl: string, cwd: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  const unrefTimers = new URL("../../scripts/unref-engine-timers.mjs", import.meta.url).href;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", unrefTimers, cli, "migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
