/**
 * Start-up skips `prisma migrate deploy` when `_prisma_migrations` already holds every migration,
 * and that skip is safe: a database that lacks one migration (or holds an edited or a failed one)
 * still gets `migrate deploy`, and what it lacked is applied.
 */
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { applyMigrations } from "../../src/store/database-setup.ts";
import { migrationFiles, pendingMigrations } from "../../src/store/migration-status.ts";
import { ownDatabase } from "../support/own-database.ts";

const dir = path.resolve("prisma", "migrations");
const files = migrationFiles(dir);
const last = files.at(-1)?.name ?? "";
/** The migration this test undoes by hand: one index, easy to take away and put back. */
const undone = files.find((file) => file.name.endsWith("_recipient_page_index"))?.name ?? "";
const database = ownDatabase("migrations");

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const indexExists = async (name: string) =>
  (await sql("SELECT 1 FROM pg_indexes WHERE indexname = $1", [name])).length === 1;

beforeAll(() => database.create(), 120_000);
afterAll(() => database.drop());

test("a migrated database is up to date without running the Prisma CLI", async () => {
  expect(files.length).toBeGreaterThan(1);
  expect(await pendingMigrations(database.url, dir)).toEqual([]);
  expect(await applyMigrations(database.url)).toBe("up-to-date");
});

test("a database missing a migration gets it applied", async () => {
  expect(undone).toMatch(/_recipient_page_index$/);
  // Undo that migration by hand, as if the database predated it.
  await sql(`DROP INDEX "BroadcastRecipient_broadcastId_status_conversationId_idx"`);
  await sql(
    `CREATE INDEX "BroadcastRecipient_broadcastId_status_idx" ON "BroadcastRecipient"("broadcastId", "status")`,
  );
  await sql("DELETE FROM _prisma_migrations WHERE migration_name = $1", [undone]);
  expect(await pendingMigrations(database.url, dir)).toEqual([undone]);

  expect(await applyMigrations(database.url)).toBe("applied");
  expect(await indexExists("BroadcastRecipient_broadcastId_status_conversationId_idx")).toBe(true);
  expect(await indexExists("BroadcastRecipient_broadcastId_status_idx")).toBe(false);
  expect(await pendingMigrations(database.url, dir)).toEqual([]);
}, 120_000);

test("an applied migration whose file changed since counts as pending", async () => {
  await sql("UPDATE _prisma_migrations SET checksum = 'edited' WHERE migration_name = $1", [last]);
  try {
    expect(await pendingMigrations(database.url, dir)).toEqual([last]);
  } finally {
    await sql("UPDATE _prisma_migrations SET checksum = $2 WHERE migration_name = $1", [
      last,
      files.at(-1)?.checksum,
    ]);
  }
});

test("a failed migration makes every migration pending, so that migrate deploy reports it", async () => {
  await sql(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ('failed-test', 'x', '29991231000000_broken', now(), 0)`,
  );
  try {
    expect(await pendingMigrations(database.url, dir)).toEqual(files.map((file) => file.name));
  } finally {
    await sql("DELETE FROM _prisma_migrations WHERE id = 'failed-test'");
  }
});

test("a database without the migrations table has every migration pending", async () => {
  const empty = ownDatabase("no-migrations");
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(new URL(empty.url).pathname.slice(1))}`);
  await admin.end();
  try {
    expect(await pendingMigrations(empty.url, dir)).toEqual(files.map((file) => file.name));
  } finally {
    await empty.drop();
  }
});
