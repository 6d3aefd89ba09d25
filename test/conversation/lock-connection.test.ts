/**
 * Regression test for issue 12, defect 2 (conversations): the per-turn advisory-lock connection
 * is checked out of the pool, where the pool's own 'error' listener is off; a backend terminated
 * during the turn ("Connection terminated") was an unhandled 'error' event and ended the process.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { withAddressLock } from "../../src/conversation/conversation-lock.ts";
import { uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

const name = `lock-test-${uid()}`;
let pool: pg.Pool;
let admin: pg.Client;
const uncaught: unknown[] = [];
const collect = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on("uncaughtException", collect);
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), application_name: name, max: 2 });
  pool.on("error", () => undefined);
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await pool?.end();
  process.off("uncaughtException", collect);
});

const address = () => {
  const id = `lock-${uid()}`;
  return { channel: "webchat", externalConversationId: id, externalUserId: id } as const;
};

test("a lock connection terminated during the turn fails nothing but that turn", async () => {
  const outcome = await withAddressLock(pool, address(), async () => {
    const { rowCount } = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    expect(rowCount).toBe(1);
    // Let the termination reach the client while the turn still holds it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return "turn body finished";
  }).catch((error: Error) => error);
  expect(uncaught).toEqual([]);
  expect((outcome as { value?: string }).value === "turn body finished" || outcome instanceof Error).toBe(
    true,
  );
  // The pool serves the next turn on a fresh connection.
  expect(await withAddressLock(pool, address(), async () => "next")).toEqual({ value: "next" });
});
