/**
 * The outbox for proactive messages (reminders, check-ins, notices, broadcasts). A message is
 * first written to Postgres with an idempotency key (in the caller's transaction, when there is
 * one), then — after the commit — a job `msg-<id>` is added to its channel's outbound queue; the
 * worker (outbound-worker.ts) sends it within the channel's limits and writes the outcome back.
 * Writing twice with one key makes one row; dispatching twice makes one job.
 *
 * The job id is `msg-<id>`, not `msg:<id>`: BullMQ 5 refuses custom job ids with a colon.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName, OutboundMessage } from "../channels/types.ts";
import type { Db, Prisma } from "../store/prisma.ts";

export interface OutboundJobData {
  /** Message.id (a bigint, as text). */
  messageId: string;
  /** Its conversation: lets the worker take the chat's gap before it reads the message. */
  conversationId?: string;
}

/** What the caller knows about a proactive message. */
export interface OutboundInput {
  conversationId: string;
  /** Deterministic for what the message is for, e.g. `nudge:<jobId>:<n>`, `broadcast:<id>:<conversationId>`. */
  idempotencyKey: string;
  /** The locale key the text was rendered from. */
  messageKey: string;
  message: OutboundMessage;
}

/** The queue name of a channel's outbound messages. */
export function outboundQueueName(channel: ChannelName): string {
  return `outbound-${channel}`;
}

/** The job id of a message's send job: one job per message, however often it is dispatched. */
export function outboundJobId(messageId: bigint | string): string {
  return `msg-${messageId.toString()}`;
}

/**
 * Writes a proactive message as `queued` and returns its id. With the same idempotency key again
 * it returns the existing row and writes nothing (also when two callers race: the insert is an
 * `ON CONFLICT DO NOTHING`, which keeps a surrounding transaction usable). Pass the caller's
 * transaction as `db` to write together with what the message is about.
 */
export async function enqueueOutbound(
  db: Prisma.TransactionClient | Db,
  input: OutboundInput,
): Promise<bigint> {
  const { message } = input;
  const created = await db.message.createManyAndReturn({
    data: [
      {
        conversationId: input.conversationId,
        direction: "outbound",
        idempotencyKey: input.idempotencyKey,
        messageKey: input.messageKey,
        text: message.text,
        payload: {
          locale: message.locale,
          direction: message.direction,
          ...(message.choices?.length
            ? { choices: message.choices.map(({ id, label }) => ({ id, label })) }
            : {}),
        },
        status: "queued",
        proactive: true,
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  const id = created[0]?.id;
  if (id !== undefined) return id;
  const existing = await db.message.findUniqueOrThrow({
    where: { idempotencyKey: input.idempotencyKey },
    select: { id: true },
  });
  return existing.id;
}

export interface Outbox {
  /** enqueueOutbound: the row only, in `tx`. Dispatch the returned ids after the commit. */
  write(tx: Prisma.TransactionClient | Db, input: OutboundInput): Promise<bigint>;
  /**
   * Gives each message that is still `queued` (or `sending`, whose job was lost) a send job. Job
   * ids are deterministic, so this is safe to repeat; a job that already ended while its row is
   * still unsent is replaced.
   */
  dispatch(messageIds: readonly bigint[]): Promise<void>;
  /** Writes and dispatches in one go (no surrounding transaction). */
  send(input: OutboundInput): Promise<bigint>;
  close(): Promise<void>;
}

export interface OutboxOptions {
  db: Db;
  connection: Redis;
  /** QUEUE_PREFIX; tests use one of their own. */
  prefix: string;
  /** Send attempts per message (platform calls that got an error answer). Default 6. */
  attempts?: number;
  /** First retry delay; it doubles each time. Default 1000 ms. */
  backoffMs?: number;
}

const PAGE = 1000;

/** Builds the outbox on `connection` under `prefix`. */
export function createOutbox(options: OutboxOptions): Outbox {
  const queues = new Map<ChannelName, Queue<OutboundJobData>>();
  const queueFor = (channel: ChannelName) => {
    let queue = queues.get(channel);
    if (!queue) {
      queue = new Queue<OutboundJobData>(outboundQueueName(channel), {
        connection: options.connection,
        prefix: options.prefix,
        defaultJobOptions: {
          removeOnComplete: { count: 10_000, age: 24 * 3600 },
          removeOnFail: { count: 10_000, age: 7 * 24 * 3600 },
          attempts: options.attempts ?? 6,
          backoff: { type: "exponential", delay: options.backoffMs ?? 1000 },
        },
      });
      queues.set(channel, queue);
    }
    return queue;
  };

  const dispatch = async (messageIds: readonly bigint[]) => {
    for (let i = 0; i < messageIds.length; i += PAGE) {
      const rows = await options.db.message.findMany({
        where: {
          id: { in: messageIds.slice(i, i + PAGE) },
          direction: "outbound",
          status: { in: ["queued", "sending"] },
        },
        select: { id: true, conversationId: true, conversation: { select: { channel: true } } },
        orderBy: { id: "asc" },
      });
      for (const row of rows) {
        const queue = queueFor(row.conversation.channel);
        const jobId = outboundJobId(row.id);
        const state = await queue.getJobState(jobId);
        if (state === "completed" || state === "failed") await queue.remove(jobId);
        else if (state !== "unknown") continue;
        await queue.add("send", { messageId: row.id.toString(), conversationId: row.conversationId }, { jobId });
      }
    }
  };

  return {
    write: enqueueOutbound,
    dispatch,
    async send(input) {
      const id = await enqueueOutbound(options.db, input);
      await dispatch([id]);
      return id;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
