/**
 * The migrations and prisma/schema.prisma must describe the same database: apply every migration
 * to an empty scratch database and ask the schema engine for the difference to the schema.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { uid } from "../support/db.ts";
import { TEST_POSTGRES_URL } from "../support/env.ts";

const run = promisify(execFile);
const scratchName = `migrations_check_${uid()}`;
const scratchUrl = new URL(TEST_POSTGRES_URL);
scratchUrl.pathname = `/${scratchName}`;
const adminUrl = new URL(TEST_POSTGRES_URL);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`CREATE DATABASE "${scratchName}"`));
afterAll(() => admin(`DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`));

test("applying every migration yields exactly prisma/schema.prisma", async () => {
  const args = [
    "node_modules/prisma/build/index.js",
    "migrate",
    "diff",
    "--from-migrations",
    "prisma/migrations",
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--exit-code",
  ];
  const result = await run(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: scratchUrl.toString() },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  // exit 0: no difference; 2: a difference (the output lists it); 1: an error.
  expect(result.out).toContain("No difference detected");
  expect(result.code).toBe(0);
}, 60_000);
