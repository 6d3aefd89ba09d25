/**
 * Issue 12, defect 2 (conversations): the app's Postgres connections cut (pg_terminate_backend on
 * every backend of a database of the test's own) while people are mid-conversation. No crash, no
 * 5xx but 503 (ours), and Telegram's redelivery of a failed update is processed exactly once.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { privateTextUpdate } from "../support/fake-telegram.ts";
import { type OwnDatabase, ownDatabase } from "../support/own-database.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { postUpdate } from "../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let database: OwnDatabase;
let bed: TestBedWithTelegram;
let admin: pg.Client;
const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", collect);
  process.on("uncaughtException", collect);
  database = ownDatabase("pg_cut");
  await database.create();
  bed = await startTestBed({ telegram: true, env: { DATABASE_URL: database.url } });
  admin = new pg.Client({ connectionString: database.url, application_name: "pg-cut-admin" });
  await admin.connect();
}, 120_000);
afterAll(async () => {
  await admin?.end();
  await bed?.close();
  await database?.drop();
  process.off("unhandledRejection", collect);
  process.off("uncaughtException", collect);
});

/** Terminates every backend of the test's database but the admin's own. */
async function cutConnections(): Promise<number> {
  const { rowCount } = await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  return rowCount ?? 0;
}

test("connections cut during conversations: turns fail with 503, redeliveries are processed once", async () => {
  const users = [];
  for (let i = 0; i < 4; i++) {
    const user = new TelegramUser(bed.app, bed.telegram);
    await user.say("/start");
    users.push(user);
  }
  const updates = users.flatMap((user, i) =>
    [1, 2, 3].map((n) =>
      privateTextUpdate({ userId: user.userId, text: String(n), messageId: 90_000 + i * 10 + n }),
    ),
  );
  // The updates race connections being cut under them, again and again.
  let cutting = true;
  let cuts = 0;
  const cutter = (async () => {
    while (cutting) {
      cuts += await cutConnections();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  const first = await Promise.all(updates.map((update) => postUpdate(bed.app, update)));
  cutting = false;
  await cutter;
  expect(cuts).toBeGreaterThan(0);
  const statuses = first.map((r) => r.statusCode);
  for (const status of statuses) expect([200, 503]).toContain(status);

  // Telegram redelivers every update that was not acknowledged, until it is.
  let pending = updates.filter((_, i) => statuses[i] !== 200);
  for (let round = 0; round < 10 && pending.length; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await Promise.all(pending.map((update) => postUpdate(bed.app, update)));
    pending = pending.filter((_, i) => again[i]?.statusCode !== 200);
  }
  expect(pending).toEqual([]);
  // Any update again (a late duplicate) changes nothing.
  for (const update of updates) expect((await postUpdate(bed.app, update)).statusCode).toBe(200);

  for (const [i, user] of users.entries()) {
    for (const n of [1, 2, 3]) {
      const key = `in:telegram:message:${user.userId}:${90_000 + i * 10 + n}`;
      expect(await bed.app.db.message.count({ where: { idempotencyKey: key } }), key).toBe(1);
    }
  }
  expect(unhandled).toEqual([]);
  expect((await bed.app.http.inject({ url: "/readyz" })).statusCode).toBe(200);
}, 90_000);
