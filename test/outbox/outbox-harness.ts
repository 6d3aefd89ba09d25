/**
 * What the outbox tests share: Telegram conversations made directly in the database, the real
 * Telegram sender pointed at the fake Bot API (with grammY's own retries off, so the outbox's
 * handling is what runs), and an outbox with its workers on a queue prefix of their own.
 */
import { randomInt } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import pg from "pg";
import { createTelegramChannel } from "../../src/channels/telegram/telegram-channel.ts";
import type { ChannelSender } from "../../src/channels/types.ts";
import { createLogger } from "../../src/logger.ts";
import {
  type ChannelLimits,
  createOutboundWorkers,
  type OutboundWorkers,
} from "../../src/outbox/outbound-worker.ts";
import { bulkQueueName, createOutbox, type Outbox, outboundQueueName } from "../../src/outbox/outbox.ts";
import type { Db } from "../../src/store/prisma.ts";
import { uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** The Telegram ChannelSender as production builds it, without grammY's auto-retry doing anything. */
export function telegramSender(token: string, apiRoot: string): ChannelSender {
  return createTelegramChannel({
    token,
    apiRoot,
    mode: "webhook",
    webhookSecret: "x".repeat(16),
    onInbound: async () => {},
    logger,
    retry: { maxAttempts: 0, maxDelaySeconds: 0, retryServerErrors: false },
  }).sender;
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
  workers: OutboundWorkers;
  close(): Promise<void>;
}

/** An outbox and its Telegram worker on a new prefix; `close` stops them and empties the queue. */
export function startOutbox(args: {
  db: Db;
  redis: Redis;
  sender: ChannelSender;
  prefix?: string;
  telegram?: ChannelLimits;
  attempts?: number;
  lockDuration?: number;
  stalledInterval?: number;
}): OutboxRig {
  const prefix = args.prefix ?? `t-${uid()}`;
  const outbox = createOutbox({
    db: args.db,
    connection: args.redis,
    prefix,
    attempts: args.attempts ?? 6,
    backoffMs: 50,
  });
  const sql = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const workers = createOutboundWorkers({
    db: args.db,
    sql,
    connection: args.redis,
    prefix,
    senders: new Map([["telegram", args.sender]]),
    logger,
    ...(args.telegram ? { limits: { telegram: args.telegram } } : {}),
    ...(args.lockDuration ? { lockDuration: args.lockDuration } : {}),
    ...(args.stalledInterval ? { stalledInterval: args.stalledInterval } : {}),
  });
  return {
    prefix,
    outbox,
    workers,
    async close() {
      await workers.close();
      await outbox.close();
      await sql.end();
      await obliterate(args.redis, prefix);
    },
  };
}

/** Removes everything under `prefix` on the telegram outbound queues (single messages and pages). */
export async function obliterate(redis: Redis, prefix: string): Promise<void> {
  for (const name of [outboundQueueName("telegram"), bulkQueueName("telegram")]) {
    const queue = new Queue(name, { connection: redis, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
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
