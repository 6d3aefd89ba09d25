/**
 * A turn's replies (`sendNow`) against a real Postgres, Redis and the fake Bot API: the moment is
 * reserved first, then one statement takes the row and marks it `sending` (decision 0016). A reply
 * that could not be taken after its moment was reserved (held back, settled meanwhile, refused, or
 * the statement failed) gives the moment back, so it holds back no later message.
 */
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { createOutboundSenders, type OutboundSenders } from "../../src/outbox/outbound-senders.ts";
import { enqueueOutbound } from "../../src/outbox/outbox.ts";
import type { Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { testPrefix } from "../support/redis-keys.ts";
import { counted } from "../support/sql-count.ts";
import { logger, notice, removeKeys, telegramConversation, telegramSender } from "./outbox-harness.ts";

let db: Db;
let redis: Redis;
let telegram: FakeTelegram;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  db = testDb();
  redis = createRedis(TEST_REDIS_URL);
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  for (const done of cleanup.splice(0)) await done();
});
afterAll(async () => {
  await telegram?.close();
  redis?.disconnect();
  await db?.$disconnect();
});

/** This process's senders without loops (only the turn sends); `sql` wraps its pool if given. */
function turnSenders(wrap?: (sql: pg.Pool) => void): { prefix: string; senders: OutboundSenders } {
  const prefix = testPrefix();
  const sql = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  wrap?.(sql);
  const sender = telegramSender(telegram.token, telegram.apiRoot); // Telegram's own limits
  const senders = createOutboundSenders({
    db,
    sql,
    redis,
    prefix,
    senders: new Map([["telegram", sender]]),
    logger,
  });
  cleanup.push(async () => {
    await sql.end();
    await removeKeys(redis, prefix);
  });
  return { prefix, senders };
}

/** A reply written as a turn writes it: queued, leased to the turn's token. */
async function writeReply(
  prefix: string,
  conversationId: string,
  hold: { leaseToken: string; leaseUntil: Date },
  text: string,
) {
  const id = await enqueueOutbound(db, { ...notice(conversationId, text), kind: "reply" }, prefix);
  await db.message.update({
    where: { id },
    data: { leaseToken: hold.leaseToken, leaseUntil: hold.leaseUntil },
  });
  return id;
}

/** A chat, and `n` replies of a turn to it. */
async function turn(
  prefix: string,
  senders: OutboundSenders,
  n = 1,
  status: "active" | "blocked" = "active",
) {
  const chat = await telegramConversation(db, status);
  const hold = senders.hold();
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) ids.push(await writeReply(prefix, chat.id, hold, `reply ${i}`));
  const address = {
    channel: "telegram" as const,
    externalConversationId: chat.chatId,
    externalUserId: chat.chatId,
  };
  return { chat, ids, hold, token: hold.leaseToken, to: { conversationId: chat.id, address } };
}

/** How many moments the pacer holds under `prefix` (reserved, or sends recorded as gone). */
async function moments(prefix: string): Promise<number> {
  let n = 0;
  for (const key of await redis.keys(`${prefix}:pace:*`))
    if ((await redis.type(key)) === "zset") n += await redis.zcard(key);
  return n;
}

const sendsTo = (chatId: string) =>
  telegram.callsOf("sendMessage").filter((c) => String(c.payload.chat_id) === chatId && !c.errorCode);

test("a reply is taken and marked sending in one statement: two statements in all, sent once", async () => {
  const { prefix, senders } = turnSenders();
  const { chat, ids, token, to } = await turn(prefix, senders);
  const { statements } = await counted(() => senders.sendNow(ids, token, to, []));
  expect(statements).toHaveLength(2);
  expect(statements[0]).toMatch(/SET status = 'sending', attempts = m\.attempts \+ 1/);
  expect(statements[1]).toMatch(/SET status = 'sent'/);
  const row = await db.message.findUniqueOrThrow({ where: { id: ids[0] as bigint } });
  expect(row).toMatchObject({ status: "sent", attempts: 1 });
  expect(sendsTo(chat.chatId)).toHaveLength(1);
  expect(await moments(prefix)).toBe(2); // the send, on the bot's line and the chat's window
});

test("held back by an earlier message another sender holds: left to the loops after the turn's wait, every moment given back", async () => {
  const { prefix, senders } = turnSenders();
  const { chat, hold, token, to } = await turn(prefix, senders, 0);
  const earlier = await enqueueOutbound(db, notice(chat.id, "earlier"), prefix);
  const leaseUntil = new Date(Date.now() + 60_000);
  await db.message.update({ where: { id: earlier }, data: { leaseToken: "another-sender", leaseUntil } });
  const reply = await writeReply(prefix, chat.id, hold, "reply");
  const started = Date.now();
  await senders.sendNow([reply], token, to, [earlier]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2400); // the turn waited, retrying every 100 ms
  // ~25 tries reserved a moment each; without giving them back the chat's 3-in-3-s would be full.
  expect(await moments(prefix)).toBe(0);
  expect(sendsTo(chat.chatId)).toHaveLength(0);
  const row = await db.message.findUniqueOrThrow({ where: { id: reply } });
  expect(row).toMatchObject({ status: "queued", leaseToken: null, attempts: 0 });
  const held = await db.message.findUniqueOrThrow({ where: { id: earlier } });
  expect(held).toMatchObject({ status: "queued", leaseToken: "another-sender" });
});

test("a reply settled meanwhile (withdrawn) sends nothing and gives its moment back; the next reply goes", async () => {
  const { prefix, senders } = turnSenders();
  const { chat, ids, token, to } = await turn(prefix, senders, 2);
  await db.message.update({
    where: { id: ids[0] as bigint },
    data: { status: "failed", error: "cancelled" },
  });
  await senders.sendNow(ids, token, to, []);
  const rows = await db.message.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
  expect(rows.map((r) => [r.status, r.error])).toEqual([
    ["failed", "cancelled"],
    ["sent", null],
  ]);
  expect(sendsTo(chat.chatId).map((c) => c.payload.text)).toEqual(["reply 1"]);
  expect(await moments(prefix)).toBe(2); // only the one sent
});

test("a reply to a blocked conversation fails as before: nothing sent, its moment given back", async () => {
  const { prefix, senders } = turnSenders();
  const { chat, ids, token, to } = await turn(prefix, senders, 1, "blocked");
  await senders.sendNow(ids, token, to, []);
  const row = await db.message.findUniqueOrThrow({ where: { id: ids[0] as bigint } });
  expect(row).toMatchObject({ status: "failed", error: "not sent: conversation blocked" });
  expect(sendsTo(chat.chatId)).toHaveLength(0);
  expect(await moments(prefix)).toBe(0);
});

test("the take fails after the moment was reserved: the moment is given back, the reply queued again, its attempt not counted", async () => {
  let failed = 0;
  const { prefix, senders } = turnSenders((sql) => {
    const query = sql.query.bind(sql) as (...args: unknown[]) => Promise<unknown>;
    sql.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      const text = typeof first === "string" ? first : first.text; // a prepared statement's config
      if (!failed && text.includes("SET status = 'sending'")) {
        failed++;
        return Promise.reject(new Error("connection lost"));
      }
      return query(...args);
    }) as typeof sql.query;
  });
  const { chat, ids, token, to } = await turn(prefix, senders);
  await senders.sendNow(ids, token, to, []);
  expect(failed).toBe(1);
  expect(await moments(prefix)).toBe(0);
  expect(sendsTo(chat.chatId)).toHaveLength(0);
  const row = await db.message.findUniqueOrThrow({ where: { id: ids[0] as bigint } });
  expect(row).toMatchObject({ status: "queued", leaseToken: null, attempts: 0 });
});

test("a reply whose request left but whose outcome could not be written stays `sending` for the sweep, never queued again; the one behind it goes back to the loops", async () => {
  let failed = 0;
  const { prefix, senders } = turnSenders((sql) => {
    const query = sql.query.bind(sql) as (...args: unknown[]) => Promise<unknown>;
    sql.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      const text = typeof first === "string" ? first : first.text;
      if (text.includes("SET status = 'failed'")) {
        failed++;
        return Promise.reject(new Error("connection lost")); // Postgres went away after the request
      }
      return query(...args);
    }) as typeof sql.query;
  });
  const { chat, ids, token, to } = await turn(prefix, senders, 2);
  telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
  await senders.sendNow(ids, token, to, []);
  expect(failed).toBe(1);
  expect(
    telegram.callsOf("sendMessage").filter((c) => String(c.payload.chat_id) === chat.chatId),
  ).toHaveLength(1);
  const [left, behind] = await Promise.all(ids.map((id) => db.message.findUniqueOrThrow({ where: { id } })));
  // Its request left: queued again, a loop would send it a second time; `sending`, the sweep decides.
  expect(left).toMatchObject({ status: "sending", leaseToken: token, attempts: 1 });
  expect(behind).toMatchObject({ status: "queued", leaseToken: null, attempts: 0 });
});
