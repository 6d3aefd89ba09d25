/**
 * What the outbox tests share: Telegram conversations made directly in the database, the real
 * Telegram sender pointed at the fake Bot API (with grammY's own retries off, so the outbox's
 * handling is what runs), and an outbox with its workers on a queue prefix of their own.
 */
import { randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import pg from "pg";
import { createTelegramSender } from "../../src/channels/telegram/sender.ts";
import type { ChannelSender, RateLimit } from "../../src/channels/types.ts";
import { createLogger } from "../../src/logger.ts";
import { createOutboundSenders, type OutboundSenders } from "../../src/outbox/outbound-senders.ts";
import { createOutbox, type Outbox } from "../../src/outbox/outbox.ts";
import type { Db } from "../../src/store/prisma.ts";
import { uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";
import { testPrefix } from "../support/redis-keys.ts";

export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** The Telegram ChannelSender as production builds it, with `limits` instead of Telegram's. */
export function telegramSender(token: string, apiRoot: string, limits?: readonly RateLimit[]): ChannelSender {
  return createTelegramSender(token, { apiRoot, ...(limits ? { limits } : {}) });
}

/** A Telegram conversation (chat id = user id) in `status`; returns its id and chat id. */
export async function telegramConversation(
  db: Db,
  status: "active" | "blocked" | "opted_out" = "active",
): Promise<{ id: string; chatId: string }> {
  const chatId = String(randomInt(10_000_000, 2_000_000_000));
  const row = await db.conversation.create({
    data: {
      channel: "telegram",
      externalConversationId: chatId,
      externalUserId: chatId,
      locale: "ro",
      status,
    },
  });
  return { id: row.id, chatId };
}

/**
 * `n` active Telegram conversations in one statement: 300 inserts at once would queue for the
 * pool's five connections and, on a busy machine, past its 5 s connect timeout.
 */
export async function telegramConversations(db: Db, n: number): Promise<{ id: string; chatId: string }[]> {
  const chatIds = Array.from({ length: n }, () => String(randomInt(10_000_000, 2_000_000_000)));
  const rows = await db.conversation.createManyAndReturn({
    data: chatIds.map((chatId) => ({
      channel: "telegram" as const,
      externalConversationId: chatId,
      externalUserId: chatId,
      locale: "ro",
    })),
    select: { id: true, externalConversationId: true },
  });
  return rows.map((row) => ({ id: row.id, chatId: row.externalConversationId }));
}

/** A message for `conversationId` with a fresh idempotency key (or `key`). */
export function notice(conversationId: string, text: string, key = `test:${uid()}`) {
  return {
    conversationId,
    idempotencyKey: key,
    messageKey: "appointments.notice",
    message: {
      text,
      locale: "ro",
      direction: "ltr" as const,
      choices: [{ id: "appt:coming", label: "✅ Vin" }],
    },
  };
}

export interface OutboxRig {
  prefix: string;
  outbox: Outbox;
  senders: OutboundSenders;
  close(): Promise<void>;
}

/** An outbox and its senders for `sender`'s channel on a new prefix; `close` stops them and removes their keys. */
export function startOutbox(args: {
  db: Db;
  redis: Redis;
  sender: ChannelSender;
  prefix?: string;
  attempts?: number;
  concurrency?: number;
  /** Its connections' application_name (a test finds them in pg_stat_activity). */
  name?: string;
}): OutboxRig {
  const prefix = args.prefix ?? testPrefix();
  const sql = new pg.Pool({
    connectionString: testDatabaseUrl(),
    max: 4,
    application_name: args.name ?? "outbox-rig",
  });
  const senders = createOutboundSenders({
    db: args.db,
    sql,
    redis: args.redis,
    prefix,
    senders: new Map([[args.sender.channel, args.sender]]),
    logger,
    attempts: args.attempts ?? 6,
    backoffMs: 20,
    pollMs: 50,
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
  });
  senders.start();
  const outbox = createOutbox({ db: args.db, queue: prefix, wake: senders.wake });
  return {
    prefix,
    outbox,
    senders,
    async close() {
      await senders.close();
      await sql.end();
      await removeKeys(args.redis, prefix);
    },
  };
}

/** Deletes every Redis key under `prefix` (the pacers' moments and pauses). */
export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
}

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every message of `ids` is sent or failed (one query a round) and returns the rows. */
export async function allSettled(db: Db, ids: readonly bigint[], timeoutMs = 10_000) {
  return eventually(
    async () => {
      const rows = await db.message.findMany({ where: { id: { in: [...ids] } } });
      return rows.length === ids.length && rows.every((m) => m.status === "sent" || m.status === "failed")
        ? rows
        : undefined;
    },
    timeoutMs,
    `${ids.length} messages settled`,
  );
}

/** Waits until message `id` is sent or failed and returns the row. */
export function settled(db: Db, id: bigint, timeoutMs = 10_000) {
  return eventually(
    async () => {
      const row = await db.message.findUniqueOrThrow({ where: { id } });
      return row.status === "sent" || row.status === "failed" ? row : undefined;
    },
    timeoutMs,
    `message ${id} settled`,
  );
}
