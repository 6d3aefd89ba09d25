// A pg.Pool for the Prisma CLI only (prisma.config.ts). The Wasm schema engine's `migrate deploy`
// through @prisma/adapter-pg cannot deserialize Postgres's internal `name` and `"char"` types (oids 19, 18) that the
// catalogue queries return; reporting those columns as `text` (oid 25) is exact for our use, since
// `name` values are plain strings. The application's own client never needs this.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// Catalogue types the schema engine reads as strings: "char" (18) and name (19).
const STRING_LIKE_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function patchResult(result) {
  for (const res of Array.isArray(result) ? result : [result]) {
    for (const field of res?.fields ?? []) {
      if (STRING_LIKE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

function patchQueryable(target) {
  const query = target.query.bind(target);
  target.query = (...args) => {
    const out = query(...args);
    return out && typeof out.then === "function" ? out.then(patchResult) : out;
  };
  return target;
}

class NameAsTextPool extends pg.Pool {
  constructor(options) {
    super(options);
    patchQueryable(this);
    this.on("connect", (client) => patchQueryable(client));
  }
}

/**
 * The driver adapter the Prisma CLI uses for migrations: every pool it opens, the shadow
 * database's too (used by `migrate diff --from-migrations`), reports those columns as text.
 */
class MigrationAdapter extends PrismaPg {
  async connectToShadowDb() {
    const conn = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await conn.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = new PrismaPg(new NameAsTextPool({ ...this.config, database }));
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await shadow.externalPool?.end();
      await conn.executeScript(`DROP DATABASE "${database}"`);
      await conn.dispose();
    };
    return adapter;
  }
}

/**
 * The database the CLI uses when DATABASE_URL is not set: the same default as src/config.ts.
 * It must never be left unset: a config that fails to load makes the Prisma CLI fall back to
 * downloading a native engine, which these machines cannot do. `generate` never connects.
 */
export const DEFAULT_DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:5432/engagement_bot";

/** Builds the adapter factory for prisma.config.ts from DATABASE_URL (or the local default). */
export function migrationAdapter(connectionString) {
  return new MigrationAdapter(
    new NameAsTextPool({
      connectionString: connectionString || DEFAULT_DATABASE_URL,
      max: 2,
      // The CLI never ends this pool: without this, its idle connections keep the process
      // alive for pg's 10 s idle timeout after the command has finished.
      allowExitOnIdle: true,
    }),
    { disposeExternalPool: true },
  );
}
