/**
 * Runs once before the suite: a fresh test database with every migration applied. Tests share it
 * and keep out of each other's way by creating their own rows (unique ids), never by truncating.
 */
import pg from "pg";
import { applyMigrations, ensureDatabase } from "../../src/store/database-setup.ts";
import { TEST_DATABASE_URL } from "./env.ts";

export default async function setup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await client.end();
  await ensureDatabase(TEST_DATABASE_URL);
  await applyMigrations(TEST_DATABASE_URL);
}
