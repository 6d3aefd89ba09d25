/**
 * Sending outbox messages, one BullMQ worker per channel, within the platform's limits: evenly
 * spaced send slots per bot (Telegram: 30 messages/s, or the paid broadcast rate for broadcasts;
 * send-pacer.ts, shared by every worker process through Redis) and a gap per chat (Telegram: 1
 * message/s; chat-pace.ts, which also keeps a chat's messages in order).
 *
 * The usual case takes the fast path: chat gap and send slot in one Redis call, then one batched
 * SQL claim (send-claim.ts). When the claim takes nothing, the general path below finds out why.
 *
 * One job: load the message and its conversation. Already sent or failed: done (idempotent).
 * `sending` and still held (a broadcast page claimed it ahead and stopped before its slot:
 * held-claims.ts): it never left, so it is queued again and sent. `sending` otherwise: an earlier
 * attempt was stopped between starting the platform call and recording its answer — the platform
 * may have delivered it, so it is not sent again but marked failed as uncertain (the one
 * remaining window; see README, "Outbox"). Conversation blocked, opted out:
 * failed with the reason. Otherwise claim it (queued → sending, attempts + 1, one UPDATE that only
 * one worker can win), call the platform, mark it sent with the platform's id.
 *
 * Errors: 403 → failed, conversation blocked, its pending nudges cancelled (their Redis timers go
 * at the reconciler's next pass). 429 → back to queued, the whole channel waits `retry_after`.
 * Network/5xx → back to queued, BullMQ retries with exponential backoff; failed after the last
 * attempt. A bad request → failed at once, no retry.
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type pg from "pg";
import type { ChannelName, ChannelSender } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import { sendPage } from "./bulk-sender.ts";
import { createChatPace } from "./chat-pace.ts";
import { createHeldClaims, type HeldClaims, heldClaimsKey } from "./held-claims.ts";
import {
  type BulkPageData,
  bulkQueueName,
  createOutbox,
  type OutboundJobData,
  type Outbox,
  outboundQueueName,
} from "./outbox.ts";
import {
  type ClaimedMessage,
  type Claimer,
  createClaimer,
  createSentRecorder,
  type SentRecorder,
  toAddress,
  toOutbound,
} from "./send-claim.ts";
import { afterSendError, failMessage } from "./send-failure.ts";
import { createSendPacer, type SendPacer } from "./send-pacer.ts";

/** Per-channel sending limits. */
export interface ChannelLimits {
  /** Messages per second for the whole bot, across processes (Telegram's broadcast limit is 30). */
  perSecond?: number;
  /** Minimum gap between two messages to one chat, in ms (Telegram: 1000). 0: none. */
  perChatGapMs?: number;
  /**
   * Telegram's paid broadcasts: broadcast messages may go up to this rate (with
   * allow_paid_broadcast); everything else stays within perSecond. 0 or absent: off.
   */
  paidPerSecond?: number;
}

/** Web chat has no limits: the page reads the stored messages. */
export const DEFAULT_LIMITS: Partial<Record<ChannelName, ChannelLimits>> = {
  telegram: { perSecond: 30, perChatGapMs: 1000 },
  teams: { perSecond: 50, perChatGapMs: 1000 },
};

/** The reason on a message whose worker stopped during the platform call: delivery unknown. */
export const UNCERTAIN = "uncertain: a worker stopped during the platform call";

export interface OutboundWorkerOptions {
  db: Db;
  /** The same database through node-postgres, for the hot path (send-claim.ts). */
  sql: pg.Pool;
  /** Also holds the per-chat gap keys. BullMQ duplicates it for its blocking connection. */
  connection: Redis;
  /** QUEUE_PREFIX: the same as the outbox's. */
  prefix: string;
  /** One worker per channel in this map. */
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  logger: Logger;
  limits?: Partial<Record<ChannelName, ChannelLimits>>;
  /** BullMQ job lock, in ms (default 30 s). A stopped worker's job is taken over after it expires. */
  lockDuration?: number;
  /** How often stalled jobs are looked for, in ms (default 30 s). Tests use short ones. */
  stalledInterval?: number;
  /** Jobs in progress per worker (default 10). */
  concurrency?: number;
  /** Broadcast pages in progress per channel (default 4; each sends one run at a time). */
  bulkConcurrency?: number;
  /** Where pages hand off what they cannot send (default: an outbox on `connection` and `prefix`). */
  outbox?: Pick<Outbox, "handOff" | "dispatchNew">;
  /** false: the workers take no job until `worker.run()` is called. Default true. */
  autorun?: boolean;
}

export interface OutboundWorkers {
  /** Single messages, one worker per channel. */
  workers: Worker<OutboundJobData>[];
  /** Broadcast pages (bulk-sender.ts), one worker per channel. */
  bulkWorkers: Worker<BulkPageData>[];
  /** Waits for jobs in progress, then stops. */
  close(): Promise<void>;
}

/** What one job did (the job's return value; for logs and tests). */
export type SendOutcome =
  | "sent"
  | "failed"
  | "already sent"
  | "already failed"
  | "claimed elsewhere"
  | "not outbound"
  | "not queued";

/** Starts one worker per channel that has a sender. */
export function createOutboundWorkers(options: OutboundWorkerOptions): OutboundWorkers {
  const workers: Worker<OutboundJobData>[] = [];
  const bulkWorkers: Worker<BulkPageData>[] = [];
  const ownOutbox = options.outbox
    ? undefined
    : createOutbox({ db: options.db, connection: options.connection, prefix: options.prefix });
  const outbox = options.outbox ?? (ownOutbox as Outbox);
  for (const [channel, sender] of options.senders) {
    const limits = { ...DEFAULT_LIMITS[channel], ...options.limits?.[channel] };
    const pace = createChatPace({
      db: options.db,
      redis: options.connection,
      prefix: options.prefix,
      gapMs: limits.perChatGapMs ?? 0,
    });
    const log = options.logger.child({ component: "outbound", channel });
    const paid = limits.paidPerSecond && limits.perSecond && limits.paidPerSecond > limits.perSecond;
    const pacer = limits.perSecond
      ? createSendPacer({
          redis: options.connection,
          key: `${options.prefix}:pace:${channel}`,
          perSecond: limits.perSecond,
          ...(paid ? { paidPerSecond: limits.paidPerSecond } : {}),
        })
      : undefined;
    const recorder = createSentRecorder(options.sql);
    const claimer = createClaimer(options.sql);
    const held = createHeldClaims(options.connection, heldClaimsKey(options.prefix, channel));
    const parts = (worker: Worker<OutboundJobData>): ChannelParts => ({
      worker,
      sender,
      pace,
      recorder,
      claimer,
      held,
      ...(pacer ? { pacer } : {}),
      paid: Boolean(paid),
    });
    const worker: Worker<OutboundJobData> = new Worker<OutboundJobData>(
      outboundQueueName(channel),
      (job, token) => sendOne({ ...options, logger: log }, parts(worker), job, token),
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? 10,
        autorun: options.autorun ?? true,
        // The pacer spaces the sends; this coarse limit lets a 429 pause the whole queue
        // (worker.rateLimit) and bounds a second even if the pacer's key were lost.
        ...(limits.perSecond
          ? { limiter: { max: (paid ? limits.paidPerSecond : limits.perSecond) as number, duration: 1000 } }
          : {}),
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      },
    );
    worker.on("error", (error) => log.warn({ err: { message: error.message } }, "outbound worker error"));
    worker.on("failed", (job, error) =>
      log.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, err: { name: error.name } },
        "outbound job failed",
      ),
    );
    worker.on("stalled", (jobId) => log.warn({ jobId }, "outbound job stalled: its worker stopped"));
    workers.push(worker);

    const bulkWorker: Worker<BulkPageData> = new Worker<BulkPageData>(
      bulkQueueName(channel),
      (job) =>
        sendPage(
          {
            db: options.db,
            logger: log,
            channel,
            sender,
            pace,
            ...(pacer ? { pacer } : {}),
            ...(limits.perSecond ? { perSecond: paid ? limits.paidPerSecond : limits.perSecond } : {}),
            paid: Boolean(paid),
            claimer,
            held,
            recorder,
            outbox,
            closing: () => bulkWorker.closing !== undefined,
          },
          job,
        ),
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.bulkConcurrency ?? 4,
        autorun: options.autorun ?? true,
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      },
    );
    bulkWorker.on("error", (error) => log.warn({ err: { message: error.message } }, "bulk worker error"));
    bulkWorker.on("failed", (job, error) =>
      log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: { name: error.name } }, "page failed"),
    );
    bulkWorker.on("stalled", (jobId) => log.warn({ jobId }, "page stalled: its worker stopped"));
    bulkWorkers.push(bulkWorker);
  }
  return {
    workers,
    bulkWorkers,
    close: async () => {
      await Promise.all([...workers, ...bulkWorkers].map((w) => w.close()));
      await ownOutbox?.close();
    },
  };
}

interface ChannelParts {
  worker: Worker<OutboundJobData>;
  sender: ChannelSender;
  pace: ReturnType<typeof createChatPace>;
  recorder: SentRecorder;
  claimer: Claimer;
  /** Messages a page claimed ahead and has not released for sending (held-claims.ts). */
  held: HeldClaims;
  /** The channel's rate (absent: no limit, e.g. web chat). */
  pacer?: SendPacer;
  /** Bulk messages go as paid broadcasts. */
  paid: boolean;
}

async function sendOne(
  options: OutboundWorkerOptions,
  parts: ChannelParts,
  job: Job<OutboundJobData>,
  token: string | undefined,
): Promise<SendOutcome> {
  const id = BigInt(job.data.messageId);
  const { conversationId } = job.data;
  // Fast path: the chat's gap is free and one UPDATE takes the message (the usual case).
  const bulk = job.data.bulk === true;
  const { pace, pacer } = parts;
  // The chat's gap and the channel's next slot in one Redis call (or only one of them).
  const mayGo = async (chat: string): Promise<boolean> => {
    if (!pacer) return pace.takeGap(chat);
    if (!pace.gapMs) {
      await pacer.wait(bulk);
      return true;
    }
    return pacer.waitWithGap(bulk, pace.gapKey(chat), pace.gapMs);
  };
  if (conversationId && (await mayGo(conversationId))) {
    const claimed = await parts.claimer.claim(id).catch(async (error: unknown) => {
      await parts.pace.notSent(conversationId).catch(() => undefined);
      throw error;
    });
    if (claimed) return deliver(options, parts, job, claimed);
    await parts.pace.notSent(conversationId);
  }
  return sendOneChecked(options, parts, job, token);
}

/** The general path: finds out what state the message is in and acts on it. */
async function sendOneChecked(
  options: OutboundWorkerOptions,
  parts: ChannelParts,
  job: Job<OutboundJobData>,
  token: string | undefined,
): Promise<SendOutcome> {
  const { db } = options;
  const { pace } = parts;
  const id = BigInt(job.data.messageId);
  const message = await db.message.findUnique({ where: { id }, include: { conversation: true } });
  // Not committed yet (dispatched too early) or erased with its conversation: retry, then give up.
  if (!message) throw new Error("message not found");
  if (message.direction !== "outbound") return "not outbound";
  if (message.status === "sent") return "already sent";
  if (message.status === "failed") return "already failed";
  const conversationId = message.conversationId;
  const fail = (reason: string) => failMessage(options, { id, conversationId }, reason);
  if (message.status === "sending") {
    // Still held: a page claimed it ahead and stopped before its slot, so it never left. Taken
    // over (once: whoever removes it from the held set), it is queued again and goes on below.
    if (!(await parts.held.take([id])).length) return fail(UNCERTAIN);
    await parts.claimer.unclaim([id]);
    message.status = "queued";
  }
  if (message.status !== "queued") return "not queued";
  if (message.conversation.status !== "active")
    return fail(`not sent: conversation ${message.conversation.status}`);
  if (message.text === null) return fail("not sent: no text (erased)");

  const wait = await pace.waitFor(conversationId, id, message.broadcastId !== null);
  if (wait > 0) {
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  }
  await parts.pacer?.wait(message.broadcastId !== null);
  const claimed = await db.message.updateMany({
    where: { id, status: "queued" },
    data: { status: "sending", attempts: { increment: 1 } },
  });
  if (!claimed.count) return "claimed elsewhere";
  return deliver(options, parts, job, {
    id,
    conversationId,
    text: message.text,
    payload: message.payload,
    channel: message.conversation.channel,
    externalConversationId: message.conversation.externalConversationId,
    externalUserId: message.conversation.externalUserId,
    reference: message.conversation.reference,
    locale: message.conversation.locale,
  });
}

/** Sends a claimed message and records the outcome. */
async function deliver(
  options: OutboundWorkerOptions,
  { worker, sender, pace, pacer, paid, recorder }: ChannelParts,
  job: Job<OutboundJobData>,
  message: ClaimedMessage,
): Promise<SendOutcome> {
  let result: Awaited<ReturnType<ChannelSender["send"]>>;
  try {
    result = await sender.send(toAddress(message), toOutbound(message), {
      paidBroadcast: paid && job.data.bulk === true,
    });
  } catch (error) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const failure = await afterSendError(
      { ...options, pace, ...(pacer ? { pacer } : {}) },
      message,
      error,
      lastAttempt,
    );
    if (failure.outcome === "failed") {
      if (failure.kind === "blocked") return "failed";
      // Transient on the last attempt: the job fails as it is; anything else is not retried.
      if (failure.kind === "transient") throw error;
      throw new UnrecoverableError(failure.reason);
    }
    if (failure.retryAfterMs) {
      // Every process waits (the slot lines, above), and this worker takes no job meanwhile.
      await worker.rateLimit(failure.retryAfterMs);
      throw Worker.RateLimitError();
    }
    throw error;
  }
  // The chat's gap was taken before the call, and runs from then.
  await recorder.record(message.id, result.externalMessageId);
  return "sent";
}
