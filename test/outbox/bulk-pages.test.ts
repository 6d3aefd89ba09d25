/**
 * A broadcast's messages sent in pages (src/outbox/bulk-sender.ts) against a real Postgres, a
 * real Redis (a queue prefix per test) and the fake Bot API over HTTP: one page job per 200
 * messages, each chat gets its message exactly once, and what a page cannot send (a chat busy, a
 * 429, a message caught in `sending`) goes to a single job or is settled in the page.
 */
import { type Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { type PageOutcome, sendPage } from "../../src/outbox/bulk-sender.ts";
import { createChatPace } from "../../src/outbox/chat-pace.ts";
import { createHeldClaims, heldClaimsKey } from "../../src/outbox/held-claims.ts";
import { UNCERTAIN } from "../../src/outbox/outbound-worker.ts";
import {
  BULK_PRIORITY,
  type BulkPageData,
  bulkPageJobId,
  bulkQueueName,
  createOutbox,
  type Outbox,
  outboundJobId,
  outboundQueueName,
} from "../../src/outbox/outbox.ts";
import { createClaimer, createSentRecorder } from "../../src/outbox/send-claim.ts";
import { createSendPacer } from "../../src/outbox/send-pacer.ts";
import type { Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import {
  eventually,
  logger,
  notice,
  type OutboxRig,
  obliterate,
  startOutbox,
  telegramSender,
} from "./outbox-harness.ts";

const LIMITS = { perSecond: 200, perChatGapMs: 1000 };

let db: Db;
let redis: Redis;
let telegram: FakeTelegram | undefined;
const rigs: OutboxRig[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  db = testDb();
  redis = createRedis(TEST_REDIS_URL);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const rig of rigs.splice(0)) await rig.close();
  await telegram?.close();
  telegram = undefined;
});
afterAll(async () => {
  redis?.disconnect();
  await db?.$disconnect();
});

const fake = async () => {
  telegram = await startFakeTelegram();
  return telegram;
};

/** An outbox with its Telegram workers on `prefix` (a new one by default), at LIMITS. */
const start = (tg: FakeTelegram, prefix?: string) => {
  const rig = startOutbox({
    db,
    redis,
    sender: telegramSender(tg.token, tg.apiRoot),
    telegram: LIMITS,
    ...(prefix ? { prefix } : {}),
  });
  rigs.push(rig);
  return rig;
};

/** The single-message queue and the page queue of `prefix`, closed after the test. */
const queues = (prefix: string) => {
  const single = new Queue(outboundQueueName("telegram"), { connection: redis, prefix });
  const bulk = new Queue<BulkPageData, PageOutcome>(bulkQueueName("telegram"), { connection: redis, prefix });
  closers.push(
    () => single.close(),
    () => bulk.close(),
  );
  return { single, bulk };
};

const ALL_STATES = [
  "active",
  "waiting",
  "delayed",
  "prioritized",
  "paused",
  "waiting-children",
  "completed",
  "failed",
] as const;

/** `n` active Telegram conversations with distinct chat ids, in one INSERT. */
async function chats(n: number): Promise<{ id: string; chatId: string }[]> {
  const base = 1_000_000_000 + Math.floor(Math.random() * 900_000_000);
  const rows = await db.conversation.createManyAndReturn({
    data: Array.from({ length: n }, (_, i) => {
      const chatId = String(base + i);
      return {
        channel: "telegram" as const,
        externalConversationId: chatId,
        externalUserId: chatId,
        locale: "ro",
      };
    }),
    select: { id: true, externalConversationId: true },
  });
  return rows.map((r) => ({ id: r.id, chatId: r.externalConversationId }));
}

/** A Broadcast row (Message.broadcastId refers to it), in an organisation of its own. */
async function broadcastRow(): Promise<string> {
  const s = uid();
  const organisation = await db.organisation.create({ data: { slug: `bp-${s}`, name: `Bulk pages ${s}` } });
  const broadcast = await db.broadcast.create({
    data: {
      organisationId: organisation.id,
      segment: {},
      texts: { ro: "Atelier CV joi" },
      sendAt: new Date(),
      status: "sending",
    },
  });
  return broadcast.id;
}

/** Writes one broadcast message per chat (ids ascending in chat order), not dispatched yet. */
async function writeBroadcast(outbox: Outbox, to: { id: string; chatId: string }[]) {
  const broadcastId = await broadcastRow();
  const rows = await outbox.writeMany(
    db,
    to.map((c) => ({ ...notice(c.id, `Atelier CV joi (${c.chatId})`), broadcastId })),
  );
  expect(rows).toHaveLength(to.length);
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byConversation = new Map(rows.map((r) => [r.conversationId, r.id]));
  return {
    rows,
    ids: rows.map((r) => r.id),
    idOf: (chat: { id: string }) => byConversation.get(chat.id) as bigint,
    dispatch: () => outbox.dispatchNew(rows.map((r) => ({ ...r, channel: "telegram" as const }))),
  };
}

/** Waits until every message of `ids` is sent or failed. */
const allSettled = (ids: readonly bigint[], timeoutMs = 8000) =>
  eventually(
    async () => {
      const open = await db.message.count({
        where: { id: { in: [...ids] }, status: { notIn: ["sent", "failed"] } },
      });
      return open === 0;
    },
    timeoutMs,
    "every message settled",
  );

/** Waits for `count` completed page jobs and returns their outcomes by job id. */
const completedPages = async (bulk: Queue<BulkPageData, PageOutcome>, count: number) => {
  const jobs = await eventually(
    async () => {
      const done = await bulk.getJobs(["completed"]);
      return done.length >= count ? done : undefined;
    },
    8000,
    `${count} page(s) completed`,
  );
  expect(jobs).toHaveLength(count);
  return new Map(jobs.map((j) => [j.id as string, j.returnvalue]));
};

const sendCalls = (tg: FakeTelegram, chatId: string) =>
  tg.callsOf("sendMessage").filter((c) => String(c.payload.chat_id) === chatId);
const accepted = (tg: FakeTelegram, chatId: string) => sendCalls(tg, chatId).filter((c) => !c.errorCode);

test("450 messages: 3 page jobs, one message per chat, all recorded sent, no single job", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single, bulk } = queues(rig.prefix);
  const to = await chats(450);
  const broadcast = await writeBroadcast(rig.outbox, to);
  await broadcast.dispatch();

  const ids = broadcast.ids.map(String);
  const expectedPages = [ids.slice(0, 200), ids.slice(200, 400), ids.slice(400)].map((p) => bulkPageJobId(p));
  const added = await bulk.getJobs([...ALL_STATES]);
  expect(added.map((j) => j.id).sort()).toEqual([...expectedPages].sort());
  const firstPage = added.find((j) => j.id === expectedPages[0]);
  expect(firstPage?.data.messageIds).toEqual(ids.slice(0, 200));
  expect(firstPage?.data.conversationIds).toEqual(broadcast.rows.slice(0, 200).map((r) => r.conversationId));

  await allSettled(broadcast.ids);
  const outcomes = await completedPages(bulk, 3);
  expect(outcomes.get(expectedPages[0] as string)).toEqual({
    sent: 200,
    failed: 0,
    handedOff: 0,
    givenBack: 0,
  });
  expect(outcomes.get(expectedPages[1] as string)).toEqual({
    sent: 200,
    failed: 0,
    handedOff: 0,
    givenBack: 0,
  });
  expect(outcomes.get(expectedPages[2] as string)).toEqual({
    sent: 50,
    failed: 0,
    handedOff: 0,
    givenBack: 0,
  });

  expect(
    await db.message.count({
      where: { id: { in: broadcast.ids }, status: "sent", channelMessageId: { not: null } },
    }),
  ).toBe(450);
  for (const chat of to) expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(1);
  expect(tg.sentCount()).toBe(450);
  expect(await single.getJobs([...ALL_STATES]), "no single send job was needed").toEqual([]);

  // The three pages ran side by side on one slot line: 450 distinct slots at 200/s.
  const at = tg.callsOf("sendMessage").map((c) => c.at);
  const interval = 1020 / 199;
  expect(Math.max(...at) - Math.min(...at)).toBeGreaterThanOrEqual(449 * interval - 100);
});

test("a chat whose gap is taken: its message goes to a single job and arrives once, after the gap", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single, bulk } = queues(rig.prefix);
  const to = await chats(10);
  const busy = to[3] as { id: string; chatId: string };
  const broadcast = await writeBroadcast(rig.outbox, to);
  const gapSetAt = Date.now();
  await redis.set(`${rig.prefix}:chat-gap:${busy.id}`, "1", "PX", 1500);
  await broadcast.dispatch();

  await allSettled(broadcast.ids);
  const [outcome] = (await completedPages(bulk, 1)).values();
  expect(outcome).toEqual({ sent: 9, failed: 0, handedOff: 1, givenBack: 0 });

  const busyId = broadcast.idOf(busy);
  expect(await db.message.findUniqueOrThrow({ where: { id: busyId } })).toMatchObject({
    status: "sent",
    channelMessageId: "1",
  });
  const [call, ...more] = sendCalls(tg, busy.chatId);
  expect(more, "exactly one call to the busy chat").toHaveLength(0);
  expect(call?.at, "not before the gap ran out").toBeGreaterThanOrEqual(gapSetAt + 1500 - 2);
  for (const chat of to) expect(accepted(tg, chat.chatId), chat.chatId).toHaveLength(1);

  const jobs = await single.getJobs([...ALL_STATES]);
  expect(jobs.map((j) => j.id)).toEqual([outboundJobId(busyId)]);
  expect(await jobs[0]?.getState()).toBe("completed");
  expect(jobs[0]?.returnvalue).toBe("sent");
  expect(jobs[0]?.opts.priority).toBe(BULK_PRIORITY);
});

test("a 429 in a page: the channel pauses for retry_after, the message is sent once later, no duplicates", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { bulk } = queues(rig.prefix);
  const n = 120; // 0.6 s of slots at 200/s: without the pause most would go inside retry_after
  const to = await chats(n);
  const broadcast = await writeBroadcast(rig.outbox, to);
  tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 1 });
  await broadcast.dispatch();

  await allSettled(broadcast.ids);
  const [outcome] = (await completedPages(bulk, 1)).values();
  expect(outcome).toEqual({ sent: n - 1, failed: 0, handedOff: 1, givenBack: 0 });

  const calls = tg.callsOf("sendMessage");
  const limited = calls.filter((c) => c.errorCode === 429);
  expect(limited).toHaveLength(1);
  const at429 = (limited[0] as { at: number }).at;
  const limitedChat = String(limited[0]?.payload.chat_id);
  expect(calls.filter((c) => !c.errorCode)).toHaveLength(n);
  expect(calls).toHaveLength(n + 1);
  for (const chat of to) expect(accepted(tg, chat.chatId), chat.chatId).toHaveLength(1);

  const retried = accepted(tg, limitedChat)[0];
  expect(retried?.at, "the 429'd message waits out retry_after").toBeGreaterThanOrEqual(at429 + 1000);
  const limitedChatRow = to.find((c) => c.chatId === limitedChat) as { id: string };
  expect(await db.message.findUniqueOrThrow({ where: { id: broadcast.idOf(limitedChatRow) } })).toMatchObject(
    {
      status: "sent",
      attempts: 2,
    },
  );

  // The pause takes effect once the page has written the 429 down (a database round trip): the
  // slots reserved before then still go, in the first few tens of ms. After that nothing goes
  // until retry_after has passed.
  const sends = calls.filter((c) => !c.errorCode).map((c) => c.at - at429);
  const inPause = sends.filter((ms) => ms >= 300 && ms < 1000);
  expect(inPause, `sends after the 429 (ms): ${sends.join(", ")}`).toEqual([]);
  expect(
    sends.filter((ms) => ms >= 1000).length,
    "most of the page waited for the pause",
  ).toBeGreaterThanOrEqual(n / 2);
});

test("a chat that blocked the bot: failed as blocked in the page, the conversation blocked, the rest sent", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single, bulk } = queues(rig.prefix);
  const to = await chats(10);
  const blocked = to[4] as { id: string; chatId: string };
  tg.blockChat(blocked.chatId);
  const broadcast = await writeBroadcast(rig.outbox, to);
  await broadcast.dispatch();

  await allSettled(broadcast.ids);
  const [outcome] = (await completedPages(bulk, 1)).values();
  expect(outcome).toEqual({ sent: 9, failed: 1, handedOff: 0, givenBack: 0 });
  const row = await db.message.findUniqueOrThrow({ where: { id: broadcast.idOf(blocked) } });
  expect(row.status).toBe("failed");
  expect(row.error).toMatch(/^blocked: /);
  expect(row.channelMessageId).toBeNull();
  expect((await db.conversation.findUniqueOrThrow({ where: { id: blocked.id } })).status).toBe("blocked");
  expect(sendCalls(tg, blocked.chatId)).toHaveLength(1);
  for (const chat of to.filter((c) => c !== blocked))
    expect(accepted(tg, chat.chatId), chat.chatId).toHaveLength(1);
  expect(
    await db.message.count({
      where: { id: { in: broadcast.ids }, status: "sent", channelMessageId: { not: null } },
    }),
  ).toBe(9);
  expect(await single.getJobs([...ALL_STATES])).toEqual([]);
});

test("a bad request (400) in a page: failed at once, never retried", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single, bulk } = queues(rig.prefix);
  const to = await chats(10);
  const broadcast = await writeBroadcast(rig.outbox, to);
  tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
  await broadcast.dispatch();

  await allSettled(broadcast.ids);
  const [outcome] = (await completedPages(bulk, 1)).values();
  expect(outcome).toEqual({ sent: 9, failed: 1, handedOff: 0, givenBack: 0 });
  const refused = tg.callsOf("sendMessage").filter((c) => c.errorCode === 400);
  expect(refused).toHaveLength(1);
  const chat = to.find((c) => c.chatId === String(refused[0]?.payload.chat_id)) as {
    id: string;
    chatId: string;
  };
  const row = await db.message.findUniqueOrThrow({ where: { id: broadcast.idOf(chat) } });
  expect(row).toMatchObject({ status: "failed", attempts: 1, channelMessageId: null });
  expect(row.error).toMatch(/^permanent: .*chat not found/);

  await new Promise((r) => setTimeout(r, 1200)); // longer than the chat's gap: a retry would show
  expect(sendCalls(tg, chat.chatId), "one call, no retry").toHaveLength(1);
  expect((await db.message.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("failed");
  expect(await single.getJobs([...ALL_STATES])).toEqual([]);
  expect(tg.sentCount()).toBe(9);
});

test("a message of the page caught in `sending` (its worker stopped): not sent, failed as uncertain", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single, bulk } = queues(rig.prefix);
  const to = await chats(10);
  const caught = to[5] as { id: string; chatId: string };
  const broadcast = await writeBroadcast(rig.outbox, to);
  await db.message.update({
    where: { id: broadcast.idOf(caught) },
    data: { status: "sending", attempts: 1 },
  });
  await broadcast.dispatch();

  await allSettled(broadcast.ids);
  const [outcome] = (await completedPages(bulk, 1)).values();
  expect(outcome).toEqual({ sent: 9, failed: 0, handedOff: 1, givenBack: 0 });
  expect(await db.message.findUniqueOrThrow({ where: { id: broadcast.idOf(caught) } })).toMatchObject({
    status: "failed",
    error: UNCERTAIN,
    attempts: 1,
    channelMessageId: null,
  });
  expect(sendCalls(tg, caught.chatId), "never sent (again)").toHaveLength(0);
  for (const chat of to.filter((c) => c !== caught))
    expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(1);
  const [job, ...others] = await single.getJobs([...ALL_STATES]);
  expect(others).toHaveLength(0);
  expect(job?.id).toBe(outboundJobId(broadcast.idOf(caught)));
  expect(job?.returnvalue).toBe("failed");
});

test("dispatch leaves alone the messages a waiting page holds; once the page is gone it adds single jobs", async () => {
  const tg = await fake();
  const prefix = `t-${uid()}`;
  // The outbox alone first: nothing takes the pages yet.
  const outbox = createOutbox({ db, connection: redis, prefix, backoffMs: 50 });
  closers.push(() => outbox.close());
  const { single, bulk } = queues(prefix);
  const to = await chats(250);
  const broadcast = await writeBroadcast(outbox, to);
  await broadcast.dispatch();
  const ids = broadcast.ids.map(String);
  const [first, second] = [bulkPageJobId(ids.slice(0, 200)), bulkPageJobId(ids.slice(200))];
  expect((await bulk.getJobs(["waiting"])).map((j) => j.id).sort()).toEqual([first, second].sort());

  // The reconciler (or a resumed fan-out) dispatches every one of them: both pages hold them.
  await outbox.dispatch(broadcast.ids);
  expect(await single.getJobs([...ALL_STATES]), "no single job for a page's messages").toEqual([]);

  // The second page is gone: its 50 messages get single jobs, the first page's still none.
  await bulk.remove(second as string);
  await outbox.dispatch(broadcast.ids);
  await outbox.dispatch(broadcast.ids);
  const singles = await single.getJobs([...ALL_STATES]);
  expect(singles.map((j) => j.id).sort()).toEqual(broadcast.ids.slice(200).map(outboundJobId).sort());
  for (const job of singles) {
    expect(job.opts.priority).toBe(BULK_PRIORITY);
    expect(job.data).toMatchObject({ bulk: true });
  }

  // Now the workers: the first page and the 50 single jobs send every message exactly once.
  start(tg, prefix);
  await allSettled(broadcast.ids, 9000);
  const outcomes = await completedPages(bulk, 1);
  expect(outcomes.get(first as string)).toEqual({ sent: 200, failed: 0, handedOff: 0, givenBack: 0 });
  expect(await db.message.count({ where: { id: { in: broadcast.ids }, status: "sent" } })).toBe(250);
  for (const chat of to) expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(1);
  expect(await single.getJobs(["completed"])).toHaveLength(50);
});

test("Redis loses the held set mid-page (a restart): the page still sends what it claimed ahead, once each", async () => {
  const tg = await fake();
  const rig = start(tg);
  const { single } = queues(rig.prefix);
  const to = await chats(200);
  const broadcast = await writeBroadcast(rig.outbox, to);
  await broadcast.dispatch();
  const key = heldClaimsKey(rig.prefix, "telegram");
  await eventually(
    async () => tg.sentCount() >= 20 && (await redis.zcard(key)) > 0,
    5000,
    "the page under way",
  );
  const lost = await redis.zrange(key, 0, -1);
  await redis.del(key, `${key}:epoch`);

  await allSettled(broadcast.ids);
  const rows = await db.message.findMany({ where: { id: { in: broadcast.ids } } });
  expect(rows.filter((m) => m.status !== "sent").map((m) => [m.id, m.status, m.error])).toEqual([]);
  expect(lost.length, "messages were held when the set was lost").toBeGreaterThan(0);
  for (const chat of to) expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(1);
  expect(await single.getJobs([...ALL_STATES]), "nothing needed a single job").toEqual([]);
});

test("a worker that closes mid-page gives the rest back as a new page; another worker sends it, once each", async () => {
  const tg = await fake();
  const closing = start(tg);
  const { single, bulk } = queues(closing.prefix);
  const to = await chats(200);
  const broadcast = await writeBroadcast(closing.outbox, to);
  await broadcast.dispatch();
  await eventually(async () => tg.sentCount() >= 30, 5000, "the page under way");
  await closing.workers.close();

  const page = bulkPageJobId(broadcast.ids.map(String));
  const outcome = (await completedPages(bulk, 1)).get(page) as PageOutcome;
  expect(outcome.givenBack).toBeGreaterThan(0);
  expect(outcome.sent + outcome.failed + outcome.handedOff + outcome.givenBack).toBe(200);
  expect(outcome).toMatchObject({ failed: 0, handedOff: 0 });
  const rest = broadcast.ids.slice(200 - outcome.givenBack).map(String);
  const [given, ...more] = await bulk.getJobs(["waiting"]);
  expect(more).toHaveLength(0);
  expect(given?.id).toBe(bulkPageJobId(rest));
  expect(given?.data.messageIds).toEqual(rest);
  expect(await db.message.count({ where: { id: { in: broadcast.ids }, status: "sent" } })).toBe(outcome.sent);
  expect(await db.message.count({ where: { id: { in: broadcast.ids }, status: "queued" } })).toBe(
    outcome.givenBack,
  );

  start(tg, closing.prefix);
  await allSettled(broadcast.ids);
  expect(await db.message.count({ where: { id: { in: broadcast.ids }, status: "sent" } })).toBe(200);
  for (const chat of to) expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(1);
  expect(await single.getJobs([...ALL_STATES])).toEqual([]);
});

test("a page that fails mid-way after Redis lost its held set queues again only what it never released", async () => {
  const tg = await fake();
  const prefix = `bp-${uid()}`;
  const outbox = createOutbox({ db, connection: redis, prefix });
  const sql = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  closers.push(
    () => outbox.close(),
    () => sql.end(),
    () => obliterate(redis, prefix),
  );
  const to = await chats(40);
  const broadcast = await writeBroadcast(outbox, to);
  const held = createHeldClaims(redis, heldClaimsKey(prefix, "telegram"));
  const real = createClaimer(sql);
  // The database fails the claims of the seventh run of four (the 25th to the 28th message).
  let calls = 0;
  const claimer = {
    claim: (id: bigint) =>
      ++calls > 24 && calls <= 28 ? Promise.reject(new Error("database gone")) : real.claim(id),
    unclaim: real.unclaim,
  };
  const holdAndLose = {
    ...held,
    // Redis loses the set right after the page held its first claims (a restart).
    hold: async (ids: readonly bigint[]) => {
      const epoch = await held.hold(ids);
      await redis.del(held.key, held.epochKey);
      return epoch;
    },
  };
  // Records take their time (a slow commit): the last sends are still `sending` when the page fails.
  const recorder = createSentRecorder(sql);
  const slowRecorder = {
    record: (id: bigint, external: string) =>
      new Promise((resolve) => setTimeout(resolve, 300)).then(() => recorder.record(id, external)),
  };
  const job = {
    id: bulkPageJobId(broadcast.ids.map(String)),
    data: {
      messageIds: broadcast.ids.map(String),
      conversationIds: broadcast.rows.map((r) => r.conversationId),
    },
  } as unknown as Job<BulkPageData>;
  const page = sendPage(
    {
      db,
      logger,
      channel: "telegram",
      sender: telegramSender(tg.token, tg.apiRoot),
      pace: createChatPace({ db, redis, prefix, gapMs: LIMITS.perChatGapMs }),
      pacer: createSendPacer({ redis, key: `${prefix}:pace:telegram`, perSecond: LIMITS.perSecond }),
      perSecond: LIMITS.perSecond,
      paid: false,
      claimer,
      held: holdAndLose,
      recorder: slowRecorder,
      outbox,
      closing: () => false,
    },
    job,
  );
  await expect(page, "the page fails with the database's error").rejects.toThrow("database gone");
  const rows = await db.message.findMany({ where: { id: { in: broadcast.ids } }, orderBy: { id: "asc" } });
  const released = rows.slice(0, 24);
  const after = rows.slice(24);
  for (const [k, m] of released.entries()) {
    expect(
      sendCalls(tg, to[k]?.chatId ?? ""),
      `message ${m.id}, released before the failure, sent once`,
    ).toHaveLength(1);
    expect(m, `message ${m.id} stays sent, its attempt counted`).toMatchObject({
      status: "sent",
      attempts: 1,
    });
  }
  for (const m of after) {
    expect(m, `message ${m.id}, never released, is queued again`).toMatchObject({
      status: "queued",
      attempts: 0,
    });
  }
  for (const chat of to.slice(24)) expect(sendCalls(tg, chat.chatId), chat.chatId).toHaveLength(0);
});
