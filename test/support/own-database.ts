/**
 * A migrated database for one test file, for code that reads every row of a kind (the weekly job
 * digest reads every pending alert): other test files' rows are then not its business. It is a
 * copy of the run's template (global-setup.ts), made in a fraction of a second. The name
 * starts like the run's database, with this process's id, so a run that was killed leaves nothing
 * behind for long (global-setup.ts drops it at the next run).
 */
import pg from "pg";
import { inject } from "vitest";
import { uid } from "./db.ts";
import { TEST_POSTGRES_URL } from "./env.ts";

export interface OwnDatabase {
  url: string;
  /** Creates it migrated, as a copy of the run's template (call in beforeAll). */
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
      const template = pg.escapeIdentifier(inject("templateDatabase"));
      await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${template}`);
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}
