/**
 * Which migrations of prisma/migrations/ a database still lacks, read from Prisma's own
 * `_prisma_migrations` table: a migration counts as applied when its row is finished, not rolled
 * back, and carries the checksum of today's migration.sql (Prisma's checksum is the SHA-256 of
 * the file). One query, so a start on a migrated database need not run the Prisma CLI at all.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
}

/** The migrations in `dir`, oldest first, each with the checksum Prisma records for it. */
export function migrationFiles(dir: string): { name: string; checksum: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      checksum: createHash("sha256")
        .update(readFileSync(path.join(dir, name, "migration.sql")))
        .digest("hex"),
    }));
}

async function appliedRows(databaseUrl: string): Promise<MigrationRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const result = await client.query<MigrationRow>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
              rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations`,
    );
    return result.rows;
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return []; // no table: nothing applied yet
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * The names of the migrations in `dir` that the database has not applied as they are today.
 * A failed migration (started, neither finished nor rolled back) makes every one count as
 * pending, so that `prisma migrate deploy` runs and reports it.
 */
export async function pendingMigrations(databaseUrl: string, dir: string): Promise<string[]> {
  const files = migrationFiles(dir);
  const rows = await appliedRows(databaseUrl);
  if (rows.some((row) => !row.finished && !row.rolled_back)) return files.map((file) => file.name);
  const applied = new Set(
    rows
      .filter((row) => row.finished && !row.rolled_back)
      .map((row) => `${row.migration_name} ${row.checksum}`),
  );
  return files.filter((file) => !applied.has(`${file.name} ${file.checksum}`)).map((file) => file.name);
}
