/**
 * The hot path's statements are prepared once per connection (store/prepared.ts): the second call
 * of a text on a connection finds it in the server's pg_prepared_statements, under one name for
 * one text; another text is another statement.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { prepared } from "../../src/store/prepared.ts";
import { testDatabaseUrl } from "../support/env.ts";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
});
afterAll(() => client?.end());

const statements = async () =>
  (
    await client.query<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements",
    )
  ).rows;

test("one text is one prepared statement per connection, whatever its values", async () => {
  const text = "SELECT $1::int + 1 AS n";
  const first = prepared(text, [1]);
  expect(first.name).toMatch(/^p_/);
  expect(prepared(text, [2]).name).toBe(first.name);
  expect(prepared("SELECT $1::int + 2 AS n", [2]).name).not.toBe(first.name);
  expect((await client.query(prepared(text, [1]))).rows).toEqual([{ n: 2 }]);
  expect((await client.query(prepared(text, [41]))).rows).toEqual([{ n: 42 }]);
  expect(await statements()).toEqual([{ name: first.name, statement: text }]);
});
