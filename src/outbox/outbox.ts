/**
 * The outbox for proactive messages (reminders, check-ins, notices, broadcasts). A message is
 * first written to Postgres with an idempotency key (in the caller's transaction), then a job
 * `msg-<id>` is added to its channel's outbound queue; the worker (outbound-worker.ts) sends it
 * within the channel's rate limits and writes the outcome back. Writing or dispatching twice
 * makes one row and one job.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName } from "../channels/types.ts";
import type { OutboxPort } from "../scheduling/nudge-worker.ts";
import type { Db, Prisma } from "../store/prisma.ts";

export interface OutboundJobData {
  /** Message.id (a bigint, as text). */
  messageId: string;
}

/** The queue name of a channel's outbound messages. */
export function outboundQueueName(channel: ChannelName): string {
  return `outbound-${channel}`;
}

export interface Outbox extends OutboxPort {
  /** Writes and dispatches in one go (no surrounding transaction). */
  send(input: Parameters<OutboxPort["write"]>[1]): Promise<bigint>;
  close(): Promise<void>;
}

/** Builds the outbox on `connection` under `prefix` (QUEUE_PREFIX). */
export function createOutbox(deps: {
  db: Db;
  connection: Redis;
  prefix: string;
  attempts?: number;
  backoffMs?: number;
}): Outbox {
  const queues = new Map<ChannelName, Queue<OutboundJobData>>();
  const queueFor = (channel: ChannelName) => {
    let queue = queues.get(channel);
    if (!queue) {
      queue = new Queue<OutboundJobData>(outboundQueueName(channel), {
        connection: deps.connection,
        prefix: deps.prefix,
        defaultJobOptions: {
          removeOnComplete: 10_000,
          removeOnFail: 10_000,
          attempts: deps.attempts ?? 6,
          backoff: { type: "exponential", delay: deps.backoffMs ?? 1000 },
        },
      });
      queues.set(channel, queue);
    }
    return queue;
  };

  const write: OutboxPort["write"] = async (tx: Prisma.TransactionClient | Db, input) => {
    const existing = await tx.message.findUnique({
      where: { idempotencyKey: input.idempotencyKey },
      select: { id: true },
    });
    if (existing) return existing.id;
    const { message } = input;
    const row = await tx.message.create({
      data: {
        conversationId: input.conversationId,
        direction: "outbound",
        idempotencyKey: input.idempotencyKey,
        messageKey: input.messageKey,
        text: message.text,
        payload: {
          locale: message.locale,
          direction: message.direction,
          ...(message.choices ? { choices: message.choices.map(({ id, label }) => ({ id, label })) } : {}),
        },
        status: "queued",
        proactive: true,
      },
      select: { id: true },
    });
    return row.id;
  };

  const dispatch: OutboxPort["dispatch"] = async (messageIds) => {
    if (!messageIds.length) return;
    const rows = await deps.db.message.findMany({
      where: { id: { in: [...messageIds] } },
      select: { id: true, conversation: { select: { channel: true } } },
      orderBy: { id: "asc" },
    });
    for (const row of rows) {
      const id = row.id.toString();
      await queueFor(row.conversation.channel).add("send", { messageId: id }, { jobId: `msg-${id}` });
    }
  };

  return {
    write,
    dispatch,
    async send(input) {
      const id = await write(deps.db, input);
      await dispatch([id]);
      return id;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
