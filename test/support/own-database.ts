/**
 * A migrated database for one test file, for code that reads every row of a kind (the weekly job
 * digest reads every pending alert): other test files' rows are then not its business. The name
 * starts like the run's database, with this process's id, so a run that was killed leaves nothing
 * behind for long (global-setup.ts drops it at the next run).
 */
import pg from "pg";
import { applyMigrations } from "../../src/store/database-setup.ts";
import { uid } from "./db.ts";
import { TEST_POSTGRES_URL } from "./env.ts";

export interface OwnDatabase {
  url: string;
  /** Creates and migrates it (call in beforeAll, with a generous timeout). */
  create(): Promise<void>;
  /** Drops it, closing whatever is still connected. */
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** A database named after `label`, e.g. `ownDatabase("digest")`. */
export function ownDatabase(label: string): OwnDatabase {
  const name = `engagement_bot_test_${process.pid}_${label}_${uid()}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async create() {
      await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      await applyMigrations(url.toString());
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}
