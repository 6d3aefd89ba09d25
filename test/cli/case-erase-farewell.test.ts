/**
 * `case erase` on the command line hands the person's last message to the running bot: the CLI
 * (runCli, as `npm run cli` runs it) erases, then puts one job per open chat on the "farewells"
 * queue under the bot's QUEUE_PREFIX, holding the chat's address and the rendered text; the bot's
 * workers (the real app with the fake Telegram) send it unstored, in Romanian, exactly once per
 * chat, and the command says so. Afterwards no table and no Redis key holds the person. With no
 * bot taking them in time the jobs are withdrawn and nothing of them is left in Redis; a job found
 * after its deadline is dropped by the worker unsent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Queue } from "bullmq";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createFarewellQueue,
  type FarewellJobData,
  farewellsThroughBot,
} from "../../src/domain/privacy/farewell-queue.ts";
import { cliOnApp } from "../support/app-cli.ts";
import { erasureScan } from "../support/erasure-scan.ts";
import { erasureWorld } from "../support/erasure-world.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
let farewells: Queue<FarewellJobData>;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true, workers: true }); // the bot: its workers take the farewells
  farewells = createFarewellQueue(bed.app.redis, bed.app.config.QUEUE_PREFIX);
});
afterAll(async () => {
  await farewells?.close();
  await bed?.close();
});

/** The command line, in this process, on the bot's database and queue prefix. */
const cli = (argv: string[]) => cliOnApp(bed.app, argv, { farewells });

/** The messages the fake Telegram got in `chatId` that say `text`. */
const sentTo = (chatId: number, text: string) =>
  bed.telegram.sent().filter((m) => String(m.chat_id) === String(chatId) && m.text === text);

test("the CLI's erasure: each open chat gets the last message once, through the running bot", async () => {
  const w = await erasureWorld(bed.app, bed.telegram);
  const goodbye = bed.app.translator.t("commands.erased_by_staff", "ro");
  const done = await cli(["case", "erase", w.caseId, "--as", w.owner.email, "--confirm", "--json"]);
  expect([done.code, JSON.parse(done.stdout)]).toEqual([
    0,
    { caseId: w.caseId, alreadyErased: false, told: 2, message: "sent" },
  ]);
  for (const chat of [w.user, w.second])
    await expect.poll(() => sentTo(chat.userId, goodbye).length, { timeout: 10_000 }).toBe(1);
  await sleep(1000); // nothing more comes
  expect([sentTo(w.user.userId, goodbye).length, sentTo(w.second.userId, goodbye).length]).toEqual([1, 1]);
  expect(await farewells.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  const scan = erasureScan(bed.app);
  expect(await scan.tablesHolding(w.needles)).toEqual([]);
  expect(await scan.redisKeysHolding(w.ids)).toEqual([]);

  const again = await cli(["case", "erase", w.caseId, "--as", w.owner.email]);
  expect(again.code).toBe(2); // --confirm still needed
  const repeat = await cli(["case", "erase", w.caseId, "--as", w.owner.email, "--confirm"]);
  expect([repeat.code, repeat.stdout]).toEqual([0, expect.stringContaining("Nothing left to erase")]);
  expect(sentTo(w.user.userId, goodbye)).toHaveLength(1);
}, 90_000);

const chat = (id: string) => ({
  conversationId: `conversation-${id}`,
  address: { channel: "telegram" as const, externalConversationId: id, externalUserId: id },
  message: { text: "Bye", locale: "en", direction: "ltr" as const },
});

test("with no bot taking them in time, the farewells are withdrawn and nothing of them stays in Redis", async () => {
  const prefix = testPrefix("farewell-nobot"); // no worker listens under it
  const queue = createFarewellQueue(bed.app.redis, prefix);
  try {
    const id = `${Date.now()}`;
    const farewell = farewellsThroughBot(queue, 500);
    await farewell.sendUnstored(chat(id).conversationId, chat(id).address, chat(id).message);
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 1 });
    expect(await farewell.settled()).toEqual({ taken: 0, withdrawn: 1 });
    const keys = await bed.app.redis.keys(`${prefix}:*`);
    const held = [];
    for (const key of keys)
      if (
        (await bed.app.redis.type(key)) === "hash" &&
        JSON.stringify(await bed.app.redis.hgetall(key)).includes(id)
      )
        held.push(key);
    expect(held).toEqual([]);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  } finally {
    await queue.close();
    await removeKeys(prefix);
  }
});

test("a farewell found after its deadline (its command stopped while waiting) is dropped unsent", async () => {
  const id = `${Date.now() + 1}`;
  const late = { ...chat(id), sendBy: Date.now() - 1000 };
  const job = await farewells.add("farewell", late, { jobId: `late-${id}` });
  await expect
    .poll(async () => (await farewells.getJob(job.id as string)) ?? "gone", { timeout: 10_000 })
    .toBe("gone");
  expect(bed.telegram.sent().filter((m) => String(m.chat_id) === id)).toEqual([]);
});
