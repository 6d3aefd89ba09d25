/**
 * The outbox for proactive messages (reminders, check-ins, notices, broadcasts). A message is
 * first written to Postgres with an idempotency key (in the caller's transaction, when there is
 * one), then — after the commit — a job `msg-<id>` is added to its channel's outbound queue; the
 * worker (outbound-worker.ts) sends it within the channel's limits and writes the outcome back.
 * Writing twice with one key makes one row; dispatching twice makes one job.
 *
 * The job id is `msg-<id>`, not `msg:<id>`: BullMQ 5 refuses custom job ids with a colon.
 *
 * Broadcast messages (with a `broadcastId`) are bulk. A fan-out's messages go in pages: one job
 * `bulk-<first id>-<last id>` per BULK_PAGE messages on the channel's bulk queue
 * (`outbound-<channel>-bulk`), sent by bulk-sender.ts, which does for a run of messages what the
 * message worker does for one, with a queue round trip per page instead of per message. What a
 * page cannot send at once (a chat busy, a 429, a network error…) it hands off as single jobs.
 * Single bulk jobs have a lower priority in the channel's queue than everything else (BullMQ
 * takes every job without a priority first), so a broadcast never holds up a reminder or a reply.
 *
 * Dispatching again (the reconciler, a resumed fan-out) leaves alone a message that a live page
 * job holds: it is on its way.
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
  /** Set when a person wrote it (a staff member's id), not the bot. */
  authorStaffId?: string;
}

/** A page of a broadcast's messages, all on one channel: sent by bulk-sender.ts. */
export interface BulkPageData {
  /** Message ids (bigints as text), ascending. */
  messageIds: string[];
  /** Each message's conversation, in the same order (the chat gaps are taken before any read). */
  conversationIds: string[];
}

/** Bulk messages' priority in a channel's queue (jobs without one, e.g. reminders, go first). */
export const BULK_PRIORITY = 10;

/** Messages per bulk page job. */
export const BULK_PAGE = 200;

/** The queue of a channel's bulk pages. */
export function bulkQueueName(channel: ChannelName): string {
  return `outbound-${channel}-bulk`;
}

/** A page's job id: its first and last message. */
export function bulkPageJobId(messageIds: readonly (bigint | string)[]): string {
  return `bulk-${String(messageIds[0])}-${String(messageIds.at(-1))}`;
}

/** The states in which a job is still to run (or running). */
const LIVE_STATES = ["active", "waiting", "delayed", "prioritized", "paused", "waiting-children"] as const;

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
        ? { choices: message.choices.map(({ id, label, url }) => ({ id, label, ...(url ? { url } : {}) })) }
        : {}),
    },
    status: "queued" as const,
    proactive: true,
    ...(input.broadcastId ? { broadcastId: input.broadcastId } : {}),
    ...(input.authorStaffId ? { authorStaffId: input.authorStaffId } : {}),
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
   * dispatch for bulk messages (a broadcast's) that have no job yet: this process has just written
   * them, or a page job gives back the part it did not get to. One page job per BULK_PAGE
   * messages of a channel, added together.
   */
  dispatchNew(rows: readonly NewMessage[]): Promise<void>;
  /**
   * A page job (`pageJobId`) gives messages it could not send to single jobs: like dispatch, but
   * that page no longer counts as holding them.
   */
  handOff(messageIds: readonly bigint[], pageJobId: string): Promise<void>;
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
  const opened: Queue[] = [];
  /** One queue per channel, opened on first use, with the outbox's job options (`kept` finished jobs). */
  const perChannel = <T>(name: (channel: ChannelName) => string, kept: number) => {
    const queues = new Map<ChannelName, Queue<T>>();
    return (channel: ChannelName): Queue<T> => {
      let queue = queues.get(channel);
      if (!queue) {
        queue = new Queue<T>(name(channel), {
          connection: options.connection,
          prefix: options.prefix,
          defaultJobOptions: {
            removeOnComplete: { count: kept, age: 24 * 3600 },
            removeOnFail: { count: kept, age: 7 * 24 * 3600 },
            attempts: options.attempts ?? 6,
            backoff: { type: "exponential", delay: options.backoffMs ?? 1000 },
          },
        });
        queues.set(channel, queue);
        opened.push(queue as Queue);
      }
      return queue;
    };
  };
  const queueFor = perChannel<OutboundJobData>(outboundQueueName, 10_000);
  const bulkQueueFor = perChannel<BulkPageData>(bulkQueueName, 1000);

  /** The messages that live page jobs of `channels` hold (but `except`'s). */
  const heldByPages = async (channels: Iterable<ChannelName>, except?: string) => {
    const held = new Set<string>();
    for (const channel of channels) {
      for (const page of await bulkQueueFor(channel).getJobs([...LIVE_STATES])) {
        if (!page || page.id === except) continue;
        for (const id of page.data.messageIds) held.add(id);
      }
    }
    return held;
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

  const dispatch = async (messageIds: readonly bigint[], exceptPage?: string) => {
    for (let i = 0; i < messageIds.length; i += PAGE) {
      const rows = await unsent(messageIds.slice(i, i + PAGE));
      const bulkChannels = new Set(
        rows.filter((r) => r.broadcastId !== null).map((r) => r.conversation.channel),
      );
      const held = bulkChannels.size ? await heldByPages(bulkChannels, exceptPage) : new Set<string>();
      for (const row of rows) {
        if (held.has(row.id.toString())) continue;
        const { queue, name, data, opts } = job(row);
        const state = await queue.getJobState(opts.jobId);
        if (state === "completed" || state === "failed") await queue.remove(opts.jobId);
        else if (state !== "unknown") continue;
        await queue.add(name, data, opts);
      }
    }
  };

  const dispatchNew = async (rows: readonly NewMessage[]) => {
    const byChannel = new Map<ChannelName, NewMessage[]>();
    for (const row of rows) {
      const list = byChannel.get(row.channel) ?? [];
      list.push(row);
      byChannel.set(row.channel, list);
    }
    for (const [channel, list] of byChannel) {
      list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const pages: { name: string; data: BulkPageData; opts: { jobId: string } }[] = [];
      for (let i = 0; i < list.length; i += BULK_PAGE) {
        const page = list.slice(i, i + BULK_PAGE);
        const messageIds = page.map((row) => row.id.toString());
        pages.push({
          name: "page",
          data: { messageIds, conversationIds: page.map((row) => row.conversationId) },
          opts: { jobId: bulkPageJobId(messageIds) },
        });
      }
      const queue = bulkQueueFor(channel);
      // A page given back by a page job may share its id with a finished one: that one goes first.
      for (const page of pages) {
        const state = await queue.getJobState(page.opts.jobId);
        if (state === "completed" || state === "failed") await queue.remove(page.opts.jobId);
      }
      await queue.addBulk(pages);
    }
  };

  return {
    write: enqueueOutbound,
    writeMany: enqueueOutboundMany,
    dispatch: (messageIds) => dispatch(messageIds),
    dispatchNew,
    handOff: (messageIds, pageJobId) => dispatch(messageIds, pageJobId),
    async send(input) {
      const id = await enqueueOutbound(options.db, input);
      await dispatch([id]);
      return id;
    },
    async close() {
      await Promise.all(opened.map((q) => q.close()));
    },
  };
}
