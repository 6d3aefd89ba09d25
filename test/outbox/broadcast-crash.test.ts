/**
 * A broadcast whose fan-out worker is killed (SIGKILL) half-way and resumed by another: every
 * recipient gets exactly one message. The fan-out runs in a child process
 * (broadcast-worker-process.ts) that is killed after its second page; the outbound worker, the
 * fake Telegram server and the worker that takes over run here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Worker } from "bullmq";
import { afterAll, afterEach, expect, test } from "vitest";
import {
  type BroadcastJobData,
  broadcastJobId,
  createBroadcastQueue,
} from "../../src/domain/broadcasts/broadcast-queue.ts";
import { broadcastReport } from "../../src/domain/broadcasts/broadcast-report.ts";
import { createBroadcastWorker } from "../../src/domain/broadcasts/broadcast-worker.ts";
import { createBroadcast } from "../../src/domain/broadcasts/broadcasts.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { createRedis } from "../../src/store/redis.ts";
import { broadcastOrganisation } from "../domain/broadcasts/segment-fixture.ts";
import { lastMidday } from "../support/daytime.ts";
import { testDb } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";
import { eventually, logger, type OutboxRig, startOutbox, telegramSender } from "./outbox-harness.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
let telegram: FakeTelegram | undefined;
let child: ChildProcess | undefined;
let rig: OutboxRig | undefined;
let takeOver: Worker<BroadcastJobData> | undefined;
const prefixes: string[] = [];
afterEach(async () => {
  child?.kill("SIGKILL");
  await takeOver?.close();
  await rig?.close();
  await telegram?.close();
  for (const prefix of prefixes.splice(0)) await removeKeys(prefix);
});
afterAll(async () => {
  redis.disconnect();
  await db.$disconnect();
});

test("a broadcast whose worker is killed mid-way and resumed: every recipient gets exactly one message", async () => {
  const prefix = testPrefix("bkill");
  prefixes.push(prefix);
  telegram = await startFakeTelegram();
  rig = startOutbox({
    db,
    redis,
    prefix,
    sender: telegramSender(telegram.token, telegram.apiRoot, [{ per: "bot", limit: 200, windowMs: 1000 }]),
  });
  const queue = createBroadcastQueue(redis, prefix);
  const { organisation, counsellor, members } = await broadcastOrganisation(
    db,
    Array.from({ length: 23 }, (_, i) => ({ locale: i % 3 ? "ro" : "ar" })),
  );

  child = spawn(process.execPath, ["--import", "tsx", "test/outbox/broadcast-worker-process.ts"], {
    env: { ...process.env, DATABASE_URL: testDatabaseUrl(), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const output: string[] = [];
  const started = child;
  await new Promise<void>((resolve, reject) => {
    started.stdout?.on("data", (d) => {
      output.push(String(d));
      if (String(d).includes("ready")) resolve();
    });
    started.once("exit", (code) => reject(new Error(`broadcast worker exited early (${code})`)));
  });

  const { broadcast } = await createBroadcast(
    { db, queue, defaultTimeZone: "UTC", now: lastMidday },
    {
      organisationSlug: organisation.slug,
      counsellorEmail: counsellor.email,
      texts: { ro: "Atelier CV joi", ar: "ورشة يوم الخميس" },
    },
  );
  await eventually(async () => output.join("").includes("page 10") || undefined, 15_000, "two pages");
  started.kill("SIGKILL");
  await new Promise((resolve) => started.once("exit", resolve));
  const halfway = await db.broadcastRecipient.count({
    where: { broadcastId: broadcast.id, status: "pending" },
  });
  expect(halfway, "the kill landed mid-way").toBeGreaterThan(0);
  expect((await db.broadcast.findUniqueOrThrow({ where: { id: broadcast.id } })).status).toBe("sending");

  // Another worker notices the dead one's job (its lock lapses) and resumes the fan-out.
  takeOver = createBroadcastWorker({
    db,
    outbox: rig.outbox,
    translator: await createTranslator({ localesDir: "locales" }),
    connection: redis,
    prefix,
    logger,
    stalledInterval: 500,
    lockDuration: 1000,
  });
  const report = await eventually(
    async () => {
      const r = await broadcastReport(db, { broadcastId: broadcast.id, organisationSlug: organisation.slug });
      return r.broadcast.status === "sent" && r.pending === 0 ? r : undefined;
    },
    20_000,
    "the resumed broadcast to finish",
  );
  expect(report).toMatchObject({ recipients: 23, sent: 23, failed: 0, pending: 0 });
  for (const member of members) {
    const got = telegram.sent().filter((p) => String(p.chat_id) === member.chatId);
    expect(got, `exactly one message for ${member.chatId}`).toHaveLength(1);
  }
  expect(await queue.getJobState(broadcastJobId(broadcast.id))).toBe("completed");
  await queue.obliterate({ force: true });
  await queue.close();
}, 90_000);
