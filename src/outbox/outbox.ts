/**
 * The outbox: every message to a client is first written here, as a `queued` outbound Message
 * with an idempotency key (in the caller's transaction, when there is one), then sent by the
 * senders (outbound-senders.ts) within the channel's limits, and its outcome written back.
 * Writing twice with one key makes one row. The table is the queue: nothing to dispatch, nothing
 * to lose when Redis is emptied. docs/scheduling-and-outbox.md ("Outbox") tells the whole path.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Db, DbClient } from "../store/prisma.ts";
import { KINDS, type MessageKind } from "./kinds.ts";

/** What the caller knows about a message to a client. */
export interface OutboundInput {
  conversationId: string;
  /** Deterministic for what the message is for, e.g. `nudge:<jobId>:<n>`, `broadcast:<id>:<conversationId>`. */
  idempotencyKey: string;
  /** The locale key the text was rendered from (absent: a counsellor's own words). */
  messageKey?: string;
  message: OutboundMessage;
  /** What it is for (kinds.ts); default `broadcast` with a broadcastId, else `notice`. */
  kind?: MessageKind;
  /** Lower goes first; default the kind's. */
  priority?: number;
  /** Set for a broadcast's messages: counted in its delivery report. */
  broadcastId?: string;
  /** Set when a person wrote it (a staff member's id), not the bot. */
  authorStaffId?: string;
}

function messageRow(input: OutboundInput, queue: string) {
  const { message } = input;
  const kind = input.kind ?? (input.broadcastId ? "broadcast" : "notice");
  return {
    conversationId: input.conversationId,
    direction: "outbound" as const,
    idempotencyKey: input.idempotencyKey,
    messageKey: input.messageKey ?? null,
    text: message.text,
    payload: {
      locale: message.locale,
      direction: message.direction,
      ...(message.choices?.length
        ? { choices: message.choices.map(({ id, label, url }) => ({ id, label, ...(url ? { url } : {}) })) }
        : {}),
    },
    status: "queued" as const,
    proactive: kind !== "reply",
    kind,
    priority: input.priority ?? KINDS[kind].priority,
    broadcastId: input.broadcastId ?? null,
    authorStaffId: input.authorStaffId ?? null,
    queue,
  };
}

/**
 * Writes a message as `queued` and returns its id. With the same idempotency key again it returns
 * the existing row and writes nothing (also when two callers race: ON CONFLICT DO NOTHING keeps a
 * surrounding transaction usable).
 */
export async function enqueueOutbound(db: DbClient, input: OutboundInput, queue = ""): Promise<bigint> {
  const created = await db.message.createManyAndReturn({
    data: [messageRow(input, queue)],
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

/** Writes many messages in one INSERT (a page of a broadcast); returns the rows it created. */
export async function enqueueOutboundMany(
  db: DbClient,
  inputs: readonly OutboundInput[],
  queue = "",
): Promise<{ id: bigint; conversationId: string }[]> {
  if (!inputs.length) return [];
  const rows = inputs.map((input) => messageRow(input, queue));
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  const created = await db.$queryRaw<{ id: bigint; conversationId: string }[]>`
    INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", "messageKey", text, payload,
                           status, proactive, kind, priority, "broadcastId", queue)
    SELECT u.conversation, 'outbound', u.key, u.message_key, u.text, u.payload::jsonb, 'queued', u.proactive,
           u.kind::"MessageKind", u.priority, u.broadcast, ${queue}
      FROM unnest(${column((r) => r.conversationId)}::text[], ${column((r) => r.idempotencyKey)}::text[],
                  ${column((r) => r.messageKey)}::text[], ${column((r) => r.text)}::text[],
                  ${column((r) => JSON.stringify(r.payload))}::text[], ${column((r) => r.proactive)}::boolean[],
                  ${column((r) => r.kind)}::text[], ${column((r) => r.priority)}::int[],
                  ${column((r) => r.broadcastId)}::text[])
           AS u(conversation, key, message_key, text, payload, proactive, kind, priority, broadcast)
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING id, "conversationId"`;
  return created.map((row) => ({ id: BigInt(row.id), conversationId: row.conversationId }));
}

export interface Outbox {
  /** Writes a message in `tx` (the caller's transaction); it is sent once committed. */
  write(tx: DbClient, input: OutboundInput): Promise<bigint>;
  /** Writes many in `tx` (a broadcast's page); returns the rows it created. */
  writeMany(
    tx: DbClient,
    inputs: readonly OutboundInput[],
  ): Promise<{ id: bigint; conversationId: string }[]>;
  /**
   * The way in outside any transaction, e.g. a counsellor's reply from the console:
   * `enqueue({ conversationId, message, kind: "counsellor", idempotencyKey })` writes it (once per
   * key) and wakes this process's senders. Returns the Message id; the row's status (`sent`, or
   * `failed` with `error`) tells what became of it.
   */
  enqueue(input: OutboundInput): Promise<bigint>;
  /** After a commit that wrote messages: wakes this process's senders (others find them by polling). */
  dispatch(messageIds?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The outbox on `db` for the senders of `queue` (QUEUE_PREFIX); `wake` tells this process's
 * senders (there are none in a process that only writes, such as the CLI).
 */
export function createOutbox(options: { db: Db; queue: string; wake?: () => void }): Outbox {
  const { queue } = options;
  const dispatch = async () => options.wake?.();
  return {
    write: (tx, input) => enqueueOutbound(tx, input, queue),
    writeMany: (tx, inputs) => enqueueOutboundMany(tx, inputs, queue),
    async enqueue(input) {
      const id = await enqueueOutbound(options.db, input, queue);
      await dispatch();
      return id;
    },
    dispatch,
    async close() {},
  };
}
