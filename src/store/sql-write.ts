/**
 * A write of many changes as one SQL statement: each change is a data-modifying statement (an
 * INSERT, UPDATE or DELETE) of a `WITH` list, with its values as parameters of the one statement
 * (`SqlParams`), so the whole set costs one round trip and commits (or fails) as one. The parts
 * see the same snapshot and must not change the same row twice (Postgres does not define which
 * change wins); a part that `RETURNING … AS key` gives back its keys under its name.
 */
import type pg from "pg";
import { prepared } from "./prepared.ts";

/** The parameters of one statement: `add` gives the placeholder of a value, with its type. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n::type` for `value` (a Date is a UTC timestamp; pass JSON already stringified, as `jsonb`). */
  add(value: unknown, type: string): string {
    this.values.push(value === undefined ? null : value instanceof Date ? value.toISOString() : value);
    return `$${this.values.length}::${type}`;
  }
}

/** One change of a batched write; with `returns`, its statement ends `RETURNING <text> AS key`. */
export interface WritePart {
  name: string;
  sql: string;
  returns?: boolean;
}

/** What each returning part gave back, by part name. */
export type WriteKeys = ReadonlyMap<string, readonly string[]>;

/** The one statement that makes every part's change. */
export function writeStatement(parts: readonly WritePart[]): string {
  if (!parts.length) throw new Error("a write of nothing");
  const bad = parts.find((part) => !/^[a-z][a-z0-9_]*$/.test(part.name));
  if (bad) throw new Error(`write part name "${bad.name}" is not a plain name`);
  const names = new Set(parts.map((part) => part.name));
  if (names.size < parts.length) throw new Error("two write parts share a name");
  const ctes = parts.map((part) => `${part.name} AS (${part.sql})`).join(",\n");
  const returning = parts.filter((part) => part.returns);
  const select = returning.length
    ? returning
        .map((part) => `SELECT '${part.name}' AS part, key::text AS key FROM ${part.name}`)
        .join("\nUNION ALL ")
    : "SELECT NULL::text AS part, NULL::text AS key WHERE false";
  return `WITH ${ctes}\n${select}`;
}

/** The rows of `writeStatement` grouped by part. */
export function writeKeys(rows: readonly { part: string; key: string }[]): WriteKeys {
  const keys = new Map<string, string[]>();
  for (const { part, key } of rows) keys.set(part, [...(keys.get(part) ?? []), key]);
  return keys;
}

/** Runs the parts as one statement on `client` (outside a transaction it commits by itself). */
export async function runWrite(
  client: pg.ClientBase | pg.Pool,
  parts: readonly WritePart[],
  params: SqlParams,
): Promise<WriteKeys> {
  // Prepared per shape (prepared.ts): the parts' texts vary only with which parts and how many rows.
  const { rows } = await client.query<{ part: string; key: string }>(
    prepared(writeStatement(parts), params.values),
  );
  return writeKeys(rows);
}
