/**
 * Sending outbox messages, one BullMQ worker per channel, within the platform's limits: a limiter
 * per bot (Telegram: 30 messages/s) and a gap per chat (Telegram: 1 message/s). A 429 pauses the
 * whole channel for `retry_after`; a 403 marks the conversation blocked and cancels its nudges;
 * network errors and 5xx retry with exponential backoff and then fail visibly; a bad request fails
 * at once. A message is claimed (queued → sending) before the platform call and marked sent after
 * it: if a worker dies between the two, the retry does not send a second copy but marks the
 * message failed as "uncertain" (see README, "Outbox").
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type ChannelName, type ChannelSender, type OutboundChoice, SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import { type OutboundJobData, outboundQueueName } from "./outbox.ts";

/** Per-channel sending limits. */
export interface ChannelLimits {
  /** Messages per second for the whole bot (Telegram's broadcast limit is 30). */
  perSecond?: number;
  /** Minimum gap between two messages to one chat, in ms (Telegram: 1000). */
  perChatGapMs?: number;
}

export const DEFAULT_LIMITS: Partial<Record<ChannelName, ChannelLimits>> = {
  telegram: { perSecond: 30, perChatGapMs: 1000 },
  teams: { perSecond: 50, perChatGapMs: 1000 },
};

export interface OutboundWorkerOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  logger: Logger;
  limits?: Partial<Record<ChannelName, ChannelLimits>>;
  /** BullMQ lock and stalled-job check, in ms (defaults 30 s); tests use short ones. */
  lockDuration?: number;
  stalledInterval?: number;
  concurrency?: number;
}

export const UNCERTAIN = "uncertain: a worker stopped during the platform call";

/** Starts one worker per channel that has a sender. Close them with `close()`. */
export function createOutboundWorkers(options: OutboundWorkerOptions): {
  workers: Worker[];
  close(): Promise<void>;
} {
  const workers: Worker[] = [];
  for (const [channel, sender] of options.senders) {
    const limits = { ...DEFAULT_LIMITS[channel], ...options.limits?.[channel] };
    const worker: Worker<OutboundJobData> = new Worker<OutboundJobData>(
      outboundQueueName(channel),
      (job, token) => sendOne(options, worker, sender, limits, job, token),
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? 10,
        ...(limits.perSecond ? { limiter: { max: limits.perSecond, duration: 1000 } } : {}),
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      },
    );
    worker.on("error", (error) =>
      options.logger.warn({ channel, err: { message: error.message } }, "outbound worker error"),
    );
    workers.push(worker);
  }
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

async function sendOne(
  options: OutboundWorkerOptions,
  worker: Worker<OutboundJobData>,
  sender: ChannelSender,
  limits: ChannelLimits,
  job: Job<OutboundJobData>,
  token: string | undefined,
): Promise<string> {
  const { db, logger } = options;
  const id = BigInt(job.data.messageId);
  const message = await db.message.findUnique({ where: { id }, include: { conversation: true } });
  if (!message) return "gone"; // erased with its conversation
  if (message.status === "sent" || message.status === "failed") return message.status;
  const fail = async (reason: string) => {
    await db.message.update({ where: { id }, data: { status: "failed", error: reason.slice(0, 500) } });
    logger.warn(
      { messageId: job.data.messageId, conversationId: message.conversationId, reason: reason.split(":")[0] },
      "outbound not sent",
    );
    return "failed";
  };
  if (message.conversation.status !== "active")
    return fail(`not sent: conversation ${message.conversation.status}`);
  if (message.status === "sending") return fail(UNCERTAIN);

  if (limits.perChatGapMs) {
    const key = `${options.prefix}:chat-gap:${message.conversationId}`;
    const free = await options.connection.set(key, "1", "PX", limits.perChatGapMs, "NX");
    if (!free) {
      const wait = Math.max(await options.connection.pttl(key), 20);
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
  }
  const claimed = await db.message.updateMany({
    where: { id, status: "queued" },
    data: { status: "sending", attempts: { increment: 1 } },
  });
  if (!claimed.count) return "claimed elsewhere";

  const payload = (message.payload ?? {}) as {
    locale?: string;
    direction?: "ltr" | "rtl";
    choices?: OutboundChoice[];
  };
  const conversation = message.conversation;
  try {
    const result = await sender.send(
      {
        channel: conversation.channel,
        externalConversationId: conversation.externalConversationId,
        externalUserId: conversation.externalUserId,
        ...(conversation.reference ? { reference: conversation.reference } : {}),
      },
      {
        text: message.text ?? "",
        locale: payload.locale ?? conversation.locale ?? "en",
        direction: payload.direction ?? "ltr",
        ...(payload.choices?.length ? { choices: payload.choices } : {}),
      },
    );
    await db.message.update({
      where: { id },
      data: { status: "sent", channelMessageId: result.externalMessageId, sentAt: new Date(), error: null },
    });
    return "sent";
  } catch (error) {
    const kind = error instanceof SendError ? error.kind : "transient";
    const reason = `${kind}: ${(error as Error).message}`;
    if (kind === "blocked") {
      await fail(reason);
      await db.conversation.update({ where: { id: conversation.id }, data: { status: "blocked" } });
      await db.nudge.updateMany({
        where: { conversationId: conversation.id, status: "pending" },
        data: { status: "cancelled", reason: "blocked" },
      });
      return "failed";
    }
    if (kind === "permanent") {
      await fail(reason);
      throw new UnrecoverableError(reason);
    }
    // Not delivered: the platform answered with an error, so sending again is safe.
    await db.message.update({ where: { id }, data: { status: "queued", error: reason.slice(0, 500) } });
    if (kind === "rate_limited") {
      const wait = ((error as SendError).retryAfterSeconds ?? 1) * 1000;
      await worker.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await fail(reason);
    throw error;
  }
}
