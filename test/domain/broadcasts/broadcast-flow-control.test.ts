/**
 * The fan-out's flow control (broadcast-fanout.ts): it keeps at most `ahead` messages written and
 * not yet sent, writes the next page as sends catch up, and writes on regardless when nothing is
 * sent for `stallMs` (no outbound worker running). Real Postgres; the outbox is the real one on a
 * queue of its own, with no sender: the test plays the sender by marking messages sent. Nothing
 * depends on how fast the machine is: the stall is long unless the test is about it.
 */
import { afterAll, expect, test } from "vitest";
import { fanOutBroadcast } from "../../../src/domain/broadcasts/broadcast-fanout.ts";
import { createBroadcastQueue } from "../../../src/domain/broadcasts/broadcast-queue.ts";
import { createBroadcast } from "../../../src/domain/broadcasts/broadcasts.ts";
import { createTranslator } from "../../../src/i18n/i18n.ts";
import { createOutbox } from "../../../src/outbox/outbox.ts";
import { createRedis } from "../../../src/store/redis.ts";
import { lastMidday } from "../../support/daytime.ts";
import { testDb } from "../../support/db.ts";
import { TEST_REDIS_URL } from "../../support/env.ts";
import { removeKeys, testPrefix } from "../../support/redis-keys.ts";
import { broadcastOrganisation } from "./segment-fixture.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
const prefix = testPrefix();
const queue = createBroadcastQueue(redis, prefix);
const outbox = createOutbox({ db, queue: prefix });
afterAll(async () => {
  await queue.close();
  await outbox.close();
  redis.disconnect();
  await removeKeys(prefix);
  await db.$disconnect();
});

const until = async (probe: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test("the fan-out writes the next page only as sends catch up", async () => {
  const { organisation, counsellor } = await broadcastOrganisation(
    db,
    Array.from({ length: 23 }, () => ({ locale: "ro" })),
  );
  const { broadcast } = await createBroadcast(
    { db, queue, defaultTimeZone: "UTC", now: lastMidday },
    { organisationSlug: organisation.slug, counsellorEmail: counsellor.email, texts: { ro: "Atelier joi" } },
  );
  const written = () => db.message.count({ where: { broadcastId: broadcast.id } });
  const queued = () => db.message.findMany({ where: { broadcastId: broadcast.id, status: "queued" } });
  const pages: number[] = [];
  const run = fanOutBroadcast(
    {
      db,
      outbox,
      translator: await createTranslator({ localesDir: "locales" }),
      pageSize: 5,
      ahead: 10,
      stallMs: 600_000,
      onPage: (n) => {
        pages.push(n);
      },
    },
    broadcast.id,
  );

  // Two pages (10 messages) go at once; the third waits for sends.
  await until(async () => (await written()) === 10);
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(await written(), "no third page while 10 wait to be sent").toBe(10);

  // Five are sent: the fan-out writes one more page, then waits again.
  const five = (await queued()).slice(0, 5).map((m) => m.id);
  await db.message.updateMany({ where: { id: { in: five } }, data: { status: "sent", sentAt: new Date() } });
  await until(async () => (await written()) === 15);
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(await written()).toBe(15);

  // The sends catch up: it writes the rest.
  const sendAll = setInterval(() => {
    void db.message
      .updateMany({ where: { broadcastId: broadcast.id, status: "queued" }, data: { status: "sent" } })
      .catch(() => undefined);
  }, 100);
  const result = await run.finally(() => clearInterval(sendAll));
  expect(result).toEqual({ outcome: "done", written: 23 });
  expect(pages).toEqual([5, 10, 15, 20, 23]);
  expect(await written()).toBe(23);
  const recipients = await db.broadcastRecipient.groupBy({
    by: ["status"],
    where: { broadcastId: broadcast.id },
    _count: true,
  });
  expect(recipients).toEqual([{ status: "queued", _count: 23 }]);
  // Every message is in this deployment's outbox queue, once per recipient.
  const rows = await db.message.findMany({ where: { broadcastId: broadcast.id } });
  expect(new Set(rows.map((m) => m.conversationId)).size).toBe(23);
  expect(rows.every((m) => m.queue === prefix && m.kind === "broadcast")).toBe(true);
}, 30_000);

test("with nothing sent for stallMs (no sender running), the fan-out writes on regardless", async () => {
  const { organisation, counsellor } = await broadcastOrganisation(
    db,
    Array.from({ length: 12 }, () => ({ locale: "ro" })),
  );
  const { broadcast } = await createBroadcast(
    { db, queue, defaultTimeZone: "UTC", now: lastMidday },
    { organisationSlug: organisation.slug, counsellorEmail: counsellor.email, texts: { ro: "Atelier joi" } },
  );
  const translator = await createTranslator({ localesDir: "locales" });
  const result = await fanOutBroadcast(
    { db, outbox, translator, pageSize: 5, ahead: 5, stallMs: 200 },
    broadcast.id,
  );
  expect(result).toEqual({ outcome: "done", written: 12 });
  expect(await db.message.count({ where: { broadcastId: broadcast.id, status: "queued" } })).toBe(12);
}, 30_000);
