/**
 * The fan-out's flow control (broadcast-fanout.ts): it keeps at most `ahead` messages written and
 * not yet sent, writes the next page as sends catch up, and writes on regardless when nothing is
 * sent for `stallMs` (no outbound worker running). Real Postgres; the outbox is the real one on a
 * queue prefix of its own, with no worker: the test plays the sender by marking messages sent.
 */
import { Queue } from "bullmq";
import { afterAll, expect, test } from "vitest";
import { fanOutBroadcast } from "../../../src/domain/broadcasts/broadcast-fanout.ts";
import { createBroadcastQueue } from "../../../src/domain/broadcasts/broadcast-queue.ts";
import { createBroadcast } from "../../../src/domain/broadcasts/broadcasts.ts";
import { createTranslator } from "../../../src/i18n/i18n.ts";
import { bulkQueueName, createOutbox } from "../../../src/outbox/outbox.ts";
import { createRedis } from "../../../src/store/redis.ts";
import { lastMidday } from "../../support/daytime.ts";
import { testDb, uid } from "../../support/db.ts";
import { TEST_REDIS_URL } from "../../support/env.ts";
import { broadcastOrganisation } from "./segment-fixture.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
const prefix = `t-${uid()}`;
const queue = createBroadcastQueue(redis, prefix);
const outbox = createOutbox({ db, connection: redis, prefix });
afterAll(async () => {
  const pages = new Queue(bulkQueueName("telegram"), { connection: redis, prefix });
  await pages.obliterate({ force: true });
  await pages.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await outbox.close();
  redis.disconnect();
  await db.$disconnect();
});

const until = async (probe: () => Promise<boolean>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test("the fan-out writes the next page only as sends catch up, and writes on when nothing is sent", async () => {
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
      stallMs: 1500,
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

  // Nothing is sent any more (no worker): after stallMs it writes the rest regardless.
  const result = await run;
  expect(result).toEqual({ outcome: "done", written: 23 });
  expect(pages).toEqual([5, 10, 15, 20, 23]);
  expect(await written()).toBe(23);
  const recipients = await db.broadcastRecipient.groupBy({
    by: ["status"],
    where: { broadcastId: broadcast.id },
    _count: true,
  });
  expect(recipients).toEqual([{ status: "queued", _count: 23 }]);
  // Every message is held by a page job (none lost, none twice).
  const pageQueue = new Queue(bulkQueueName("telegram"), { connection: redis, prefix });
  const held = (await pageQueue.getJobs(["waiting", "prioritized"])).flatMap((j) => j?.data.messageIds ?? []);
  await pageQueue.close();
  const ids = (await db.message.findMany({ where: { broadcastId: broadcast.id } })).map((m) =>
    m.id.toString(),
  );
  expect(held.sort()).toEqual(ids.sort());
}, 20_000);
