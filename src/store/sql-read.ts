/**
 * One plain-SQL read that runs on either side of the store: a Prisma client (or its transaction,
 * `tx`, so the read sees the transaction's writes) or a node-postgres connection (the turn's,
 * which holds the conversation's lock: no ORM on the hot path). A domain rule written once as SQL
 * (the default intake, what an invite code means) then serves both.
 */
import type pg from "pg";
import { prepared } from "./prepared.ts";
import type { DbClient } from "./prisma.ts";

/** Where a read runs: Prisma (`db`, `tx`) or a node-postgres connection. */
export type SqlSource = DbClient | pg.ClientBase;

/** The rows of `sql` with `values` as $1, $2, … (selected columns should be text, boolean or json). */
export async function readRows<R>(source: SqlSource, sql: string, values: readonly unknown[]): Promise<R[]> {
  if ("$queryRawUnsafe" in source) return source.$queryRawUnsafe<R[]>(sql, ...values);
  const { rows } = await source.query(prepared(sql, values));
  return rows as R[];
}
