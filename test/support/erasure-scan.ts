/**
 * What erasure tests look for after an erasure (/delete, or staff's): every (table, column) named
 * like a client's or a conversation's id, every row of every table as text, and every Redis key of
 * the app that outlives a rate window. Read from information_schema, so a new table is looked at
 * without touching the tests (test/domain/privacy/erasure-everywhere.test.ts).
 */
import type { App } from "../../src/app.ts";

export function erasureScan(app: App) {
  /** Every (table, column) whose name says it holds a client's or a conversation's id. */
  async function personColumns(): Promise<{ table: string; column: string }[]> {
    return app.db.$queryRaw<{ table: string; column: string }[]>`
    SELECT table_name::text AS "table", column_name::text AS "column"
    FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND table_name <> '_prisma_migrations'
      AND (column_name ILIKE '%client%' OR column_name ILIKE '%conversation%' OR column_name ILIKE 'externalUserId')
    ORDER BY 1, 2`;
  }

  /** Every table of the database (Prisma's and any made by hand in a migration). */
  async function allTables(): Promise<string[]> {
    const rows = await app.db.$queryRaw<{ table: string }[]>`
    SELECT table_name::text AS "table" FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
    ORDER BY 1`;
    return rows.map((r) => r.table);
  }

  /** The tables with a row whose text (every column, JSON and arrays included) holds one of `needles`. */
  async function tablesHolding(needles: string[]): Promise<string[]> {
    const found: string[] = [];
    const patterns = needles.map((n) => `%${n}%`);
    for (const table of await allTables()) {
      const rows = await app.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "${table}" t WHERE t::text ILIKE ANY($1::text[])`,
        patterns,
      );
      if (Number(rows[0]?.n)) found.push(table);
    }
    return found;
  }

  /** The app's Redis keys whose name or content holds one of `needles` and that outlive a rate window (70 s). */
  async function redisKeysHolding(needles: string[]): Promise<string[]> {
    const redis = app.redis;
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${app.config.QUEUE_PREFIX}:*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const text = `${key} ${JSON.stringify(await redisContent(key))}`;
        if (!needles.some((n) => text.includes(n))) continue;
        const ttl = await redis.pttl(key);
        // -2: gone since it was listed (a pacer's window ran out meanwhile), so it holds nothing.
        if (ttl === -1 || ttl > 70_000) found.push(key);
      }
    } while (cursor !== "0");
    return found;
  }

  async function redisContent(key: string): Promise<unknown> {
    const redis = app.redis;
    switch (await redis.type(key)) {
      case "string":
        return redis.get(key);
      case "hash":
        return redis.hgetall(key);
      case "list":
        return redis.lrange(key, 0, -1);
      case "set":
        return redis.smembers(key);
      case "zset":
        return redis.zrange(key, 0, -1);
      case "stream":
        return redis.xrange(key, "-", "+");
      default:
        return null;
    }
  }

  /** The "table.column" pairs (of personColumns) holding one of `ids`. */
  async function columnsHolding(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const { table, column } of await personColumns()) {
      const rows = await app.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "${table}" WHERE "${column}"::text = ANY($1::text[])`,
        ids,
      );
      if (Number(rows[0]?.n)) found.push(`${table}.${column}`);
    }
    return found;
  }

  return { personColumns, allTables, tablesHolding, redisKeysHolding, columnsHolding };
}
