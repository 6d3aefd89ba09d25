/**
 * Named (prepared) statements for the hot path's plain SQL. node-postgres sends an unnamed
 * statement's whole text with every call and Postgres parses and plans it each time; a named one
 * is parsed once per connection and then only bound and run. Measured on the turn read (one
 * connection, 3,000 calls): Postgres CPU 0.49–0.67 → 0.04–0.08 ms a query, the bot's own
 * 0.14–0.34 → 0.05–0.11 ms (docs/benchmarks.md, inbound). Names are made from the text, so one
 * text is one statement everywhere, and a statement whose text is built per call (the turn's one
 * write, whose parts vary) is prepared once per shape. Shapes are few (which parts, how many
 * replies); past `MAX_SHAPES` distinct texts a process stops preparing new ones, so a runaway
 * shape cannot fill the server's memory. Needs a session per connection (not PgBouncer's
 * transaction mode, which docs/operations.md does not use).
 */
import { createHash } from "node:crypto";
import type pg from "pg";

const MAX_SHAPES = 500;
const names = new Map<string, string>();

/** The name for `text` (`p_` and a hash of it), or undefined once too many texts were seen. */
function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_SHAPES) return known;
  const name = `p_${createHash("sha1").update(text).digest("base64url").slice(0, 20)}`;
  names.set(text, name);
  return name;
}

/** `text` with `values` as a query node-postgres prepares once per connection. */
export function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  const name = nameOf(text);
  return name ? { name, text, values: [...values] } : { text, values: [...values] };
}
