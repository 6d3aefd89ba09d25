/**
 * The outbox for proactive messages (reminders, check-ins, notices, broadcasts). A message is
 * first written to Postgres with an idempotency key (in the caller's transaction, when there is
 * one), then — after the commit — a job `msg-<id>` is added to its channel's outbound queue; the
 * worker (outbound-worker.ts) sends it within the channel's limits and writes the outcome back.
 * Writing twice with one key makes one row; dispatching twice makes one job.
 *
 * The job id is `msg-<id>`, not `msg:<id>`: BullMQ 5 refuses custom job ids with a colon.
 *
 * Broadcast messages (with a `broadcastId`) are bulk: they never hold up a reminder or a reply,
 * because they have a lower priority in the channel's queue (BullMQ takes every job without a
 * priority first). Their jobs say so (`bulk`), for the worker's pacing (send-pacer.ts).
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
  /** A broadcast's message (may use the channel's paid broadcast rate). */
  bulk?: boolean;
}

/** What the caller knows about a proactive message. */
export interface OutboundInput {
  conversationId: string;
  /** Deterministic for what the message is for, e.g. `nudge:<jobId>:<n>`, `broadcast:<id>:<conversationId>`. */
  idempotencyKey: string;
  /** The locale key the text was rendered from. */
  messageKey: string;
  message: OutboundMessage;
  /** Set for a broadcast's messages: bulk, and counted in its delivery report. */
  broadcastId?: string;
}

/** Bulk messages' priority in a channel's queue (jobs without one, e.g. reminders, go first). */
export const BULK_PRIORITY = 10;

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
  const created = await db.message.createManyAndReturn({
    data: [messageRow(input)],
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

function messageRow(input: OutboundInput) {
  const { message } = input;
  return {
    conversationId: input.conversationId,
    direction: "outbound" as const,
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
    status: "queued" as const,
    proactive: true,
    ...(input.broadcastId ? { broadcastId: input.broadcastId } : {}),
  };
}

/**
 * Writes many messages in one INSERT (a page of a broadcast) and returns the ids of the rows it
 * created; a key that is already there is skipped, not written again. Plain SQL over `unnest`:
 * through the ORM's createMany a page of 1,000 took ten times longer (bench/broadcast.ts).
 */
export async function enqueueOutboundMany(
  db: Prisma.TransactionClient | Db,
  inputs: readonly OutboundInput[],
): Promise<{ id: bigint; conversationId: string }[]> {
  if (!inputs.length) return [];
  const rows = inputs.map(messageRow);
  const created = await db.$queryRaw<{ id: bigint; conversationId: string }[]>`
    INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", "messageKey", text, payload,
                           status, proactive, "broadcastId")
    SELECT u.conversation, 'outbound', u.key, u.message_key, u.text, u.payload::jsonb, 'queued', true, u.broadcast
      FROM unnest(${rows.map((r) => r.conversationId)}::text[], ${rows.map((r) => r.idempotencyKey)}::text[],
                  ${rows.map((r) => r.messageKey)}::text[], ${rows.map((r) => r.text)}::text[],
                  ${rows.map((r) => JSON.stringify(r.payload))}::text[],
                  ${rows.map((r) => r.broadcastId ?? null)}::text[])
           AS u(conversation, key, message_key, text, payload, broadcast)
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING id, "conversationId"`;
  return created.map((row) => ({ id: BigInt(row.id), conversationId: row.conversationId }));
}

/** A message just written, with what its send job needs. */
export interface NewMessage {
  id: bigint;
  conversationId: string;
  channel: ChannelName;
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
  /** writeMany: enqueueOutboundMany in `tx`; dispatch the rows with `dispatchNew` after the commit. */
  writeMany(
    tx: Prisma.TransactionClient | Db,
    inputs: readonly OutboundInput[],
  ): Promise<{ id: bigint; conversationId: string }[]>;
  /**
   * dispatch for messages this process has just written (so none can have a job yet), as bulk
   * (a broadcast's): one addBulk per page and channel instead of a look-up per message.
   */
  dispatchNew(rows: readonly NewMessage[]): Promise<void>;
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

  const unsent = (ids: readonly bigint[]) =>
    options.db.message.findMany({
      where: { id: { in: [...ids] }, direction: "outbound", status: { in: ["queued", "sending"] } },
      select: {
        id: true,
        conversationId: true,
        broadcastId: true,
        conversation: { select: { channel: true } },
      },
      orderBy: { id: "asc" },
    });
  type Row = Awaited<ReturnType<typeof unsent>>[number];
  const job = (row: Row) => {
    const bulk = row.broadcastId !== null;
    return {
      queue: queueFor(row.conversation.channel),
      name: "send",
      data: { messageId: row.id.toString(), conversationId: row.conversationId, ...(bulk ? { bulk } : {}) },
      opts: { jobId: outboundJobId(row.id), ...(bulk ? { priority: BULK_PRIORITY } : {}) },
    };
  };

  const dispatch = async (messageIds: readonly bigint[]) => {
    for (let i = 0; i < messageIds.length; i += PAGE) {
      for (const row of await unsent(messageIds.slice(i, i + PAGE))) {
        const { queue, name, data, opts } = job(row);
        const state = await queue.getJobState(opts.jobId);
        if (state === "completed" || state === "failed") await queue.remove(opts.jobId);
        else if (state !== "unknown") continue;
        await queue.add(name, data, opts);
      }
    }
  };

  const dispatchNew = async (rows: readonly NewMessage[]) => {
    for (let i = 0; i < rows.length; i += PAGE) {
      const byChannel = new Map<ChannelName, NewMessage[]>();
      for (const row of rows.slice(i, i + PAGE)) {
        const list = byChannel.get(row.channel) ?? [];
        list.push(row);
        byChannel.set(row.channel, list);
      }
      for (const [channel, list] of byChannel) {
        await queueFor(channel).addBulk(
          list.map((row) => ({
            name: "send",
            data: { messageId: row.id.toString(), conversationId: row.conversationId, bulk: true },
            opts: { jobId: outboundJobId(row.id), priority: BULK_PRIORITY },
          })),
        );
      }
    }
  };

  return {
    write: enqueueOutbound,
    writeMany: enqueueOutboundMany,
    dispatch,
    dispatchNew,
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
