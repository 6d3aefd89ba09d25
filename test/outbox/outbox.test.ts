/**
 * The outbox against a real Postgres, a real Redis (a queue prefix per test) and the fake Bot API
 * over HTTP: each message reaches the person once, within Telegram's limits, and every failure is
 * written on the message.
 */
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { TELEGRAM_CHAT_BURST } from "../../src/channels/telegram/sender.ts";
import type { RateLimit } from "../../src/channels/types.ts";
import { createOutbox, enqueueOutbound } from "../../src/outbox/outbox.ts";
import type { Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { testPrefix } from "../support/redis-keys.ts";
import {
  eventually,
  notice,
  type OutboxRig,
  settled,
  startOutbox,
  telegramConversation,
  telegramSender,
} from "./outbox-harness.ts";

let db: Db;
let redis: Redis;
let telegram: FakeTelegram;
let rig: OutboxRig | undefined;

beforeAll(async () => {
  db = testDb();
  redis = createRedis(TEST_REDIS_URL);
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await telegram?.close();
  redis?.disconnect();
  await db?.$disconnect();
});

type StartOptions = Omit<Parameters<typeof startOutbox>[0], "db" | "redis" | "sender"> & {
  limits?: readonly RateLimit[];
};
const start = ({ limits, ...options }: StartOptions = {}) => {
  rig = startOutbox({
    db,
    redis,
    sender: telegramSender(telegram.token, telegram.apiRoot, limits),
    ...options,
  });
  return rig;
};
const callsTo = (chatId: string) =>
  telegram.callsOf("sendMessage").filter((c) => String(c.payload.chat_id) === chatId);
const sentTo = (chatId: string) => callsTo(chatId).filter((c) => !c.errorCode);

test("a message is written queued, sent once, and marked sent with the platform's id", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  const id = await outbox.enqueue(notice(chat.id, "Mâine la 10:00, Fedasil"));
  const queued = await db.message.findUniqueOrThrow({ where: { id } });
  expect(queued).toMatchObject({ direction: "outbound", proactive: true, messageKey: "appointments.notice" });
  expect(queued.payload).toEqual({
    locale: "ro",
    direction: "ltr",
    choices: [{ id: "appt:coming", label: "✅ Vin" }],
  });

  const row = await settled(db, id);
  expect(row).toMatchObject({ status: "sent", attempts: 1, error: null });
  const [call] = sentTo(chat.chatId);
  expect(sentTo(chat.chatId)).toHaveLength(1);
  expect(call?.payload.text).toBe("Mâine la 10:00, Fedasil");
  expect(call?.payload.reply_markup).toEqual({
    inline_keyboard: [[{ text: "✅ Vin", callback_data: "appt:coming" }]],
  });
  expect(row.channelMessageId).toBe("1");
  expect(row.sentAt).toBeInstanceOf(Date);
});

test("written twice with one idempotency key: one row, one send", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  const key = `nudge:reminder:${uid()}:P1D:0`;
  const [a, b] = await Promise.all([
    outbox.enqueue(notice(chat.id, "Reminder", key)),
    outbox.enqueue(notice(chat.id, "Reminder", key)),
  ]);
  const c = await db.$transaction((tx) => enqueueOutbound(tx, notice(chat.id, "Reminder", key), rig?.prefix));
  expect(b).toBe(a);
  expect(c).toBe(a);
  expect(await db.message.count({ where: { idempotencyKey: key } })).toBe(1);
  await settled(db, a);
  await outbox.dispatch([a]);
  await new Promise((r) => setTimeout(r, 300));
  expect(sentTo(chat.chatId)).toHaveLength(1);
});

test("written in a transaction that rolls back: no row; woken twice: one send", async () => {
  const { outbox, prefix } = start({ limits: [] });
  const chat = await telegramConversation(db);
  const key = `test:${uid()}`;
  await expect(
    db.$transaction(async (tx) => {
      await outbox.write(tx, notice(chat.id, "Never", key));
      throw new Error("the caller changed its mind");
    }),
  ).rejects.toThrow("changed its mind");
  expect(await db.message.count({ where: { idempotencyKey: key } })).toBe(0);

  const id = await db.$transaction((tx) => outbox.write(tx, notice(chat.id, "Once")));
  await Promise.all([outbox.dispatch([id]), outbox.dispatch([id])]);
  await outbox.dispatch([id]);
  await settled(db, id);
  await outbox.dispatch([id]); // after it was sent: nothing left to send
  await new Promise((r) => setTimeout(r, 300));
  expect(sentTo(chat.chatId)).toHaveLength(1);
  expect(prefix).toMatch(/^t-/);
});

test("per chat: four messages to one chat leave in order, the fourth after the chat's burst window; other chats are not held back", async () => {
  const { outbox } = start();
  const one = await telegramConversation(db);
  const others = await Promise.all([1, 2, 3].map(() => telegramConversation(db)));
  const ids: bigint[] = [];
  for (const n of [1, 2, 3, 4]) ids.push(await outbox.write(db, notice(one.id, `part ${n}`)));
  for (const other of others) ids.push(await outbox.write(db, notice(other.id, "hello")));
  await outbox.dispatch(ids);
  for (const id of ids) await settled(db, id);

  const calls = sentTo(one.chatId);
  expect(calls.map((c) => c.payload.text)).toEqual(["part 1", "part 2", "part 3", "part 4"]);
  // A lower bound only (a slow machine makes gaps longer), less the first request's way there (the
  // window starts when it left the sender; `at` is when the fake read it).
  const [t1 = 0, , , t4 = 0] = calls.map((c) => c.at);
  expect(t4 - t1).toBeGreaterThanOrEqual(TELEGRAM_CHAT_BURST * 1000 - 500);
  for (const other of others) {
    const [call] = sentTo(other.chatId);
    expect(call).toBeDefined();
    // Sent right away, not held back behind the first chat's window.
    expect(call?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(t4);
  }
});

test("per bot: 12 messages to 12 chats at 5/s take over a second and each arrives once", async () => {
  const { outbox } = start({ limits: [{ per: "bot", limit: 5, windowMs: 1000 }] });
  const chats = await Promise.all(Array.from({ length: 12 }, () => telegramConversation(db)));
  const ids = await Promise.all(chats.map((c) => outbox.write(db, notice(c.id, "job update"))));
  await outbox.dispatch(ids);
  for (const id of ids) await settled(db, id);
  const times = chats.map((c) => {
    expect(sentTo(c.chatId)).toHaveLength(1);
    return sentTo(c.chatId)[0]?.at ?? 0;
  });
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1000);
});

test("a 429 with retry_after 1 pauses the channel, then the message is sent once", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  telegram.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 1 });
  const id = await outbox.enqueue(notice(chat.id, "Vacancy"));
  const row = await settled(db, id);
  expect(row).toMatchObject({ status: "sent", attempts: 2 });
  const calls = callsTo(chat.chatId);
  expect(calls.map((c) => c.errorCode ?? 200)).toEqual([429, 200]);
  expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
});

test("a 403 fails the message, blocks the conversation, cancels its nudges; nothing more is sent", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  const other = await telegramConversation(db);
  const s = uid();
  await db.nudge.createMany({
    data: [
      {
        jobId: `reminder:${s}:P1D`,
        kind: "appointment_reminder",
        conversationId: chat.id,
        subjectId: s,
        dueAt: new Date(Date.now() + 86_400_000),
      },
      {
        jobId: `reminder:${s}:PT2H`,
        kind: "appointment_reminder",
        conversationId: chat.id,
        subjectId: s,
        dueAt: new Date(Date.now() + 3_600_000),
      },
      {
        jobId: `reminder:${s}:other`,
        kind: "appointment_reminder",
        conversationId: other.id,
        subjectId: s,
        dueAt: new Date(Date.now() + 3_600_000),
      },
    ],
  });
  // Pending nudges left behind would be picked up by other files' reconciler tests: removed at the end.
  try {
    telegram.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    const row = await settled(db, await outbox.enqueue(notice(chat.id, "Reminder")));
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^blocked: .*403/);
    expect(await db.conversation.findUniqueOrThrow({ where: { id: chat.id } })).toMatchObject({
      status: "blocked",
    });
    const nudges = await db.nudge.findMany({ where: { subjectId: s }, orderBy: { jobId: "asc" } });
    expect(nudges.map((n) => [n.conversationId === chat.id, n.status, n.reason])).toEqual([
      [true, "cancelled", "blocked"],
      [true, "cancelled", "blocked"],
      [false, "pending", null],
    ]);
  } finally {
    await db.nudge.deleteMany({ where: { subjectId: s } });
  }

  const later = await settled(db, await outbox.enqueue(notice(chat.id, "Later")));
  expect(later).toMatchObject({ status: "failed", error: "not sent: conversation blocked", attempts: 0 });
  expect(callsTo(chat.chatId)).toHaveLength(1);
});

test("two 500s then OK: sent once, after three platform calls", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  telegram.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" }, 2);
  const id = await outbox.enqueue(notice(chat.id, "Check-in"));
  const row = await settled(db, id);
  expect(row).toMatchObject({ status: "sent", attempts: 3, error: null });
  expect(callsTo(chat.chatId).map((c) => c.errorCode ?? 200)).toEqual([500, 500, 200]);
  expect(sentTo(chat.chatId)).toHaveLength(1);
});

test("5xx on every attempt: failed after the last one, with the reason", async () => {
  const { outbox } = start({ attempts: 3 });
  const chat = await telegramConversation(db);
  telegram.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 3);
  const row = await settled(db, await outbox.enqueue(notice(chat.id, "Check-in")));
  expect(row).toMatchObject({ status: "failed", attempts: 3 });
  expect(row.error).toMatch(/^transient: .*502 Bad Gateway/);
  expect(callsTo(chat.chatId)).toHaveLength(3);
});

test("a permanent 400 fails at once, without a retry", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db);
  telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
  const row = await settled(db, await outbox.enqueue(notice(chat.id, "Hello")));
  expect(row).toMatchObject({ status: "failed", attempts: 1 });
  expect(row.error).toMatch(/^permanent: .*400 Bad Request: chat not found/);
  await new Promise((r) => setTimeout(r, 300));
  expect(callsTo(chat.chatId)).toHaveLength(1);
});

test("an opted-out conversation: failed with the reason, nothing sent", async () => {
  const { outbox } = start();
  const chat = await telegramConversation(db, "opted_out");
  const row = await settled(db, await outbox.enqueue(notice(chat.id, "Broadcast")));
  expect(row).toMatchObject({ status: "failed", error: "not sent: conversation opted_out", attempts: 0 });
  expect(callsTo(chat.chatId)).toHaveLength(0);
});

test("a notice found `sending` (its sender stopped mid-call) is not sent again; a reminder is, once", async () => {
  const prefix = testPrefix();
  const writer = createOutbox({ db, queue: prefix });
  const chat = await telegramConversation(db);
  const other = await telegramConversation(db);
  const noticeId = await writer.write(db, notice(chat.id, "Maybe delivered"));
  const reminderId = await writer.write(db, { ...notice(other.id, "Mâine la 10:00"), kind: "reminder" });
  await db.message.updateMany({
    where: { id: { in: [noticeId, reminderId] } },
    data: { status: "sending", attempts: 1 },
  });
  start({ prefix });
  const row = await settled(db, noticeId);
  expect(row).toMatchObject({ status: "failed", attempts: 1 });
  expect(row.error).toMatch(/^uncertain: /);
  expect(callsTo(chat.chatId)).toHaveLength(0);
  expect(await settled(db, reminderId)).toMatchObject({ status: "sent", attempts: 2 });
  expect(sentTo(other.chatId)).toHaveLength(1);
});

test("a counsellor's reply enqueued behind 30 broadcast messages goes before them", async () => {
  const prefix = testPrefix();
  const writer = createOutbox({ db, queue: prefix });
  const chats = await Promise.all(Array.from({ length: 30 }, () => telegramConversation(db)));
  const broadcast = `b-${uid()}`;
  await writer.writeMany(
    db,
    chats.map((c) => ({
      ...notice(c.id, "Job update", `broadcast:${broadcast}:${c.id}`),
      broadcastId: broadcast,
    })),
  );
  const client = await telegramConversation(db);
  const { outbox } = start({ prefix, concurrency: 2, limits: [{ per: "bot", limit: 10, windowMs: 1000 }] });
  const id = await outbox.enqueue({
    conversationId: client.id,
    idempotencyKey: `counsellor:${uid()}`,
    kind: "counsellor",
    message: { text: "Da, vin mâine", locale: "ro", direction: "ltr" },
  });
  expect(await settled(db, id)).toMatchObject({ status: "sent", kind: "counsellor", priority: 0 });
  const mine = new Set([client.chatId, ...chats.map((c) => c.chatId)]);
  const order = telegram
    .callsOf("sendMessage")
    .map((c) => String(c.payload.chat_id))
    .filter((chatId) => mine.has(chatId));
  // At most the sends already in flight when it was written went before it.
  expect(order.indexOf(client.chatId)).toBeLessThanOrEqual(4);
  expect(order.indexOf(client.chatId)).toBeGreaterThanOrEqual(0);
});

test("a 429 stops every send of the bot, in both processes, until retry_after has passed", async () => {
  const prefix = testPrefix();
  const limits: RateLimit[] = [{ per: "bot", limit: 2, windowMs: 1000 }];
  const writer = createOutbox({ db, queue: prefix });
  const chats = await Promise.all(Array.from({ length: 8 }, () => telegramConversation(db)));
  const ids = await Promise.all(chats.map((c) => writer.write(db, notice(c.id, "Vacancy"))));
  const second = createRedis(TEST_REDIS_URL);
  const other = startOutbox({
    db,
    redis: second,
    prefix,
    sender: telegramSender(telegram.token, telegram.apiRoot, limits),
  });
  try {
    start({ prefix, limits });
    await eventually(async () => chats.some((c) => sentTo(c.chatId).length > 0));
    telegram.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 1 });
    for (const id of ids) await settled(db, id, 20_000);
  } finally {
    await other.close();
    second.disconnect();
  }
  const calls = telegram
    .callsOf("sendMessage")
    .filter((c) => chats.some((chat) => String(c.payload.chat_id) === chat.chatId));
  const limited = calls.find((c) => c.errorCode === 429);
  expect(limited).toBeDefined();
  const during = calls.filter((c) => c.at > (limited?.at ?? 0) && c.at < (limited?.at ?? 0) + 1000);
  expect(during).toEqual([]);
  for (const chat of chats) expect(sentTo(chat.chatId)).toHaveLength(1);
});

test("a 429 stops sends that other processes were about to make: a moment reserved and reached before the 429 does not go during retry_after", async () => {
  const prefix = testPrefix();
  const limits: RateLimit[] = [{ per: "bot", limit: 5, windowMs: 1000 }];
  const writer = createOutbox({ db, queue: prefix });
  const chats = await Promise.all(Array.from({ length: 12 }, () => telegramConversation(db)));
  const ids = await Promise.all(chats.map((c) => writer.write(db, notice(c.id, "Vacancy"))));
  const connections = [createRedis(TEST_REDIS_URL), createRedis(TEST_REDIS_URL), createRedis(TEST_REDIS_URL)];
  const rigs: OutboxRig[] = [];
  const names = ["a", "b", "c"].map((n) => `${n}-${prefix}`);
  const startRig = (k: number) =>
    rigs.push(
      startOutbox({
        db,
        redis: connections[k] as Redis,
        prefix,
        name: names[k] as string,
        concurrency: 1,
        sender: telegramSender(telegram.token, telegram.apiRoot, limits),
      }),
    );
  // Holds the messages A and B have taken: each has reached its moment (and found no pause) and
  // waits for the lock to mark its message sending. Only then does C's send get the 429.
  const locker = new pg.Client({ connectionString: testDatabaseUrl() });
  await locker.connect();
  let limitedAt = 0;
  try {
    startRig(0);
    startRig(1);
    await locker.query("BEGIN");
    await eventually(async () => {
      await locker.query(
        `SELECT id FROM "Message" WHERE queue = $1 AND status = 'queued' AND "leaseToken" IS NOT NULL
          FOR UPDATE SKIP LOCKED`,
        [prefix],
      );
      const waiting = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = ANY(${names.slice(0, 2)}) AND wait_event_type = 'Lock'`;
      return waiting[0]?.n === 2;
    });
    telegram.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 1 });
    startRig(2);
    const mine = new Set(chats.map((c) => c.chatId));
    const limited = await telegram.waitFor(
      (calls) => calls.find((c) => c.errorCode === 429 && mine.has(String(c.payload.chat_id))),
      10_000,
    );
    limitedAt = limited.at;
    await eventually(() => connections[0]?.get(`${prefix}:pace:telegram:pause`) ?? Promise.resolve(null));
    await locker.query("COMMIT"); // A and B go on, after the pause began
    for (const id of ids) await settled(db, id, 20_000);
  } finally {
    await locker.query("ROLLBACK").catch(() => undefined);
    await locker.end();
    for (const r of rigs) await r.close();
    for (const c of connections) c.disconnect();
  }
  const calls = telegram
    .callsOf("sendMessage")
    .filter((c) => chats.some((chat) => String(c.payload.chat_id) === chat.chatId));
  const during = calls.filter((c) => c.at > limitedAt && c.at < limitedAt + 1000);
  expect(during.map((c) => c.at - limitedAt)).toEqual([]);
  for (const chat of chats) expect(sentTo(chat.chatId)).toHaveLength(1);
});
