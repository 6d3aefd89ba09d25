/**
 * The outbox: every message to a client is first written here, `queued` with an idempotency key
 * (once per key, in the caller's transaction if any), then sent by outbound-senders.ts. The table
 * is the queue; docs/scheduling-and-outbox.md ("Outbox") tells the whole path.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Db, DbClient } from "../store/prisma.ts";
import { withVoiceNotes } from "../store/voice-notes.ts";
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
  /** A broadcast's messages: counted in its delivery report. */
  broadcastId?: string;
  /** The staff member who wrote it, not the bot. */
  authorStaffId?: string;
}

/** A written message: its id, chat and key. */
type Written = { id: bigint; conversationId: string; key: string };

function messageRow(input: OutboundInput) {
  const { message } = input;
  const kind = input.kind ?? (input.broadcastId ? "broadcast" : "notice");
  return {
    conversationId: input.conversationId,
    idempotencyKey: input.idempotencyKey,
    messageKey: input.messageKey ?? null,
    text: message.text,
    payload: {
      locale: message.locale,
      direction: message.direction,
      ...(message.voice ? { voice: message.voice } : {}),
      ...(message.choices?.length
        ? { choices: message.choices.map(({ id, label, url }) => ({ id, label, ...(url ? { url } : {}) })) }
        : {}),
    },
    proactive: kind !== "reply",
    kind,
    priority: input.priority ?? KINDS[kind].priority,
    broadcastId: input.broadcastId ?? null,
    authorStaffId: input.authorStaffId ?? null,
  };
}

/**
 * Writes a message as `queued` and returns its id; with a key written before, the existing row's id
 * (ON CONFLICT DO NOTHING keeps a surrounding transaction usable when two callers race).
 */
export async function enqueueOutbound(db: DbClient, input: OutboundInput, queue = ""): Promise<bigint> {
  const [created] = await enqueueOutboundMany(db, [input], queue); // the text before its voice note
  if (created?.key === input.idempotencyKey) return created.id;
  const where = { idempotencyKey: input.idempotencyKey };
  return (await db.message.findUniqueOrThrow({ where, select: { id: true } })).id;
}

/** Writes many messages in one INSERT (a broadcast's page; voice notes after theirs); returns those it created. */
export async function enqueueOutboundMany(db: DbClient, inputs: readonly OutboundInput[], queue = "") {
  if (!inputs.length) return [] as Written[];
  const rows = (await withVoiceNotes(db, inputs)).map((input) => messageRow(input));
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  const created = await db.$queryRaw<Written[]>`
    INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", "messageKey", text, payload,
                           status, proactive, kind, priority, "broadcastId", "authorStaffId", queue)
    SELECT u.conversation, 'outbound', u.key, u.message_key, u.text, u.payload::jsonb, 'queued', u.proactive,
           u.kind::"MessageKind", u.priority, u.broadcast, u.author, ${queue}
      FROM unnest(${column((r) => r.conversationId)}::text[], ${column((r) => r.idempotencyKey)}::text[],
                  ${column((r) => r.messageKey)}::text[], ${column((r) => r.text)}::text[],
                  ${column((r) => JSON.stringify(r.payload))}::text[], ${column((r) => r.proactive)}::boolean[],
                  ${column((r) => r.kind)}::text[], ${column((r) => r.priority)}::int[],
                  ${column((r) => r.broadcastId)}::text[], ${column((r) => r.authorStaffId)}::text[])
           AS u(conversation, key, message_key, text, payload, proactive, kind, priority, broadcast, author)
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING id, "conversationId", "idempotencyKey" AS key`;
  return created.map((row): Written => ({ ...row, id: BigInt(row.id) }));
}

/** What domain code and the nudge worker need of the outbox (neither replies nor broadcasts). */
export interface OutboxPort {
  write(tx: DbClient, input: PortInput): Promise<bigint>;
  dispatch(messageIds: readonly bigint[]): Promise<void>;
}

type PortInput = Pick<OutboundInput, "conversationId" | "idempotencyKey" | "message" | "authorStaffId"> & {
  messageKey: string;
  kind?: Exclude<MessageKind, "reply" | "broadcast">;
};

export interface Outbox {
  /** Writes a message in `tx` (the caller's transaction); it is sent once committed. */
  write(tx: DbClient, input: OutboundInput): Promise<bigint>;
  /** Writes many in `tx` (a broadcast's page); returns the rows it created. */
  writeMany(tx: DbClient, inputs: readonly OutboundInput[]): Promise<Written[]>;
  /** The way in outside any transaction (a counsellor's reply): writes once per key, wakes the senders. */
  enqueue(input: OutboundInput): Promise<bigint>;
  /** After a commit that wrote messages: wakes this process's senders (others find them by polling). */
  dispatch(messageIds?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** The outbox on `db` for the senders of `queue` (QUEUE_PREFIX); `wake` rouses this process's, if any. */
export function createOutbox(options: { db: Db; queue: string; wake?: () => void }): Outbox {
  const { queue } = options;
  const dispatch = async () => options.wake?.();
  return {
    write: (tx, input) => enqueueOutbound(tx, input, queue),
    writeMany: (tx, inputs) => enqueueOutboundMany(tx, inputs, queue),
    enqueue: (input) => enqueueOutbound(options.db, input, queue).then((id) => dispatch().then(() => id)),
    dispatch,
    async close() {},
  };
}
