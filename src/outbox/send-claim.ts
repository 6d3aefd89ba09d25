/**
 * The outbound worker's hot path in plain SQL (node-postgres, no ORM): claiming a message for
 * sending and recording that it was sent. A broadcast sends up to 1,000 messages a second, and
 * through Prisma's query compiler these two steps (and the reads before them) cost more CPU than
 * everything else in a send together (see bench/broadcast.ts). The claim does in one round trip
 * what the worker's general path does in three: check that the message is still queued, that
 * its conversation is active, that no earlier proactive message of the chat is still waiting (so
 * a chat's messages leave in order; a broadcast's message never holds back a reminder or another
 * message that is not bulk, which would wait behind the whole broadcast), and take it (queued → sending, attempts + 1).
 *
 * When the claim takes nothing, the worker falls back to its general path, which finds out why
 * (already sent, blocked, an earlier message first, …) with the same rules. Table and column
 * names are Prisma's (prisma/schema.prisma): quoted, camelCase.
 */
import type pg from "pg";
import type { ChannelName, ConversationAddress, OutboundChoice, OutboundMessage } from "../channels/types.ts";

/** An earlier message older than this no longer holds later ones back (its job was lost). */
export const ORDER_WINDOW_MS = 3600_000;

/** A claimed message with what sending it needs. */
export interface ClaimedMessage {
  id: bigint;
  conversationId: string;
  text: string;
  payload: unknown;
  channel: ChannelName;
  externalConversationId: string;
  externalUserId: string;
  reference: unknown;
  locale: string | null;
}

/** Where a claimed message goes. */
export function toAddress(message: ClaimedMessage): ConversationAddress {
  return {
    channel: message.channel,
    externalConversationId: message.externalConversationId,
    externalUserId: message.externalUserId,
    ...(message.reference ? { reference: message.reference } : {}),
  };
}

/** What a claimed message says, as the channel's sender takes it. */
export function toOutbound(message: ClaimedMessage): OutboundMessage {
  const payload = (message.payload ?? {}) as {
    locale?: string;
    direction?: "ltr" | "rtl";
    choices?: OutboundChoice[];
  };
  return {
    text: message.text,
    locale: payload.locale ?? message.locale ?? "en",
    direction: payload.direction ?? "ltr",
    ...(payload.choices?.length ? { choices: payload.choices } : {}),
  };
}

/** The claim of a run of messages (see createClaimer). */
// The plan must not depend on the table's statistics. A broadcast's thousands of rows, written
// faster than autovacuum analyses them, and their dead versions (queued → sending → sent) made
// the planner combine the ids with the status index — every queued entry, dead ones included: 26 ms
// a claim on the benchmark's second broadcast, instead of 0.1. So the status is compared as text
// (no index can serve that: the rows come by primary key), and "an earlier message of the chat
// still waiting" reads the partial index Message_waiting_idx, which holds only waiting messages,
// for that chat: OFFSET 0 keeps it a probe per row. Without it the planner made it an anti-join
// that read the whole index (thought empty, never analysed) for each message: 35 ms a claim.
// test/outbox/claim-plan.test.ts checks the plan on such a table.
export const CLAIM_SQL = `
UPDATE "Message" AS m
   SET status = 'sending', attempts = m.attempts + 1
  FROM "Conversation" AS c
 WHERE m.id = ANY($1::bigint[])
   AND m.status::text = 'queued'
   AND m.direction = 'outbound'
   AND m.text IS NOT NULL
   AND c.id = m."conversationId"
   AND c.status = 'active'
   AND NOT EXISTS (
     SELECT 1 FROM "Message" AS e
      WHERE e."conversationId" = m."conversationId"
        AND e.direction = 'outbound'
        AND e.proactive
        AND e.id < m.id
        AND (e."broadcastId" IS NULL OR m."broadcastId" IS NOT NULL)
        AND e.status IN ('queued', 'sending')
        AND e."createdAt" > now() - make_interval(secs => $2)
     OFFSET 0)
RETURNING m.id, m."conversationId", m.text, m.payload, c.channel, c."externalConversationId",
          c."externalUserId", c.reference, c.locale`;

/** How long a claim or a record waits for others to share its statement (ms). */
export const BATCH_WINDOW_MS = 2;
/**
 * A record waits longer: nothing waits for it but the job's end, and at a broadcast's rate each
 * statement then carries ten messages instead of two (a tenth of the database round trips, whose
 * socket writes were a tenth of a worker's CPU: bench/broadcast.ts). A worker that dies in that
 * window leaves the message `sending`: failed as uncertain, never sent twice, as before.
 */
export const RECORD_WINDOW_MS = 10;

/**
 * Collects calls for `windowMs` and runs them as one statement: at hundreds of messages a second
 * each statement carries several, and the database (and the socket writes to it, costly on a
 * busy machine) sees one instead of each. Every caller still gets its own answer.
 */
function batcher<In, Out>(
  windowMs: number,
  run: (inputs: In[]) => Promise<Out[]>,
): (input: In) => Promise<Out> {
  let batch: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  const flush = async () => {
    const items = batch;
    batch = [];
    try {
      const outs = await run(items.map((i) => i.input));
      for (const [k, item] of items.entries()) item.resolve(outs[k] as Out);
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  };
  return (input) =>
    new Promise<Out>((resolve, reject) => {
      if (!batch.length) setTimeout(() => void flush(), windowMs);
      batch.push({ input, resolve, reject });
    });
}

/** Claims messages for sending (queued → sending); null for one that may not go now, for any reason. */
export interface Claimer {
  claim(id: bigint): Promise<ClaimedMessage | null>;
  /**
   * Puts claimed messages that never left back in the queue (sending → queued, the attempt not
   * counted): only for messages known not to have been handed to the platform (held-claims.ts).
   */
  unclaim(ids: readonly bigint[]): Promise<void>;
}

/** Claims in batches: one UPDATE for the claims that arrive within BATCH_WINDOW_MS. */
export function createClaimer(sql: pg.Pool, windowMs = BATCH_WINDOW_MS): Claimer {
  const claim = batcher<bigint, ClaimedMessage | null>(windowMs, async (ids) => {
    const result = await sql.query(CLAIM_SQL, [ids.map(String), ORDER_WINDOW_MS / 1000]);
    const byId = new Map<string, ClaimedMessage>();
    for (const row of result.rows) {
      byId.set(String(row.id), {
        id: BigInt(row.id),
        conversationId: row.conversationId,
        text: row.text,
        payload: row.payload,
        channel: row.channel,
        externalConversationId: row.externalConversationId,
        externalUserId: row.externalUserId,
        reference: row.reference,
        locale: row.locale,
      });
    }
    return ids.map((id) => byId.get(String(id)) ?? null);
  });
  return {
    claim,
    async unclaim(ids) {
      if (!ids.length) return;
      await sql.query(
        `UPDATE "Message" SET status = 'queued', attempts = GREATEST(attempts - 1, 0)
          WHERE id = ANY($1::bigint[]) AND status::text = 'sending'`,
        [ids.map(String)],
      );
    },
  };
}

/** Records that the platform accepted messages, batching those that finish together. */
export interface SentRecorder {
  /** Resolves once message `id` is recorded as sent under the platform's message id. */
  record(id: bigint, externalMessageId: string): Promise<void>;
}

/** Records in batches, like claims: each caller waits for its own row before its job completes. */
export function createSentRecorder(sql: pg.Pool, windowMs = RECORD_WINDOW_MS): SentRecorder {
  const record = batcher<{ id: bigint; ext: string }, void>(windowMs, async (items) => {
    await sql.query(
      `UPDATE "Message" AS m
          SET status = 'sent', "channelMessageId" = v.ext, "sentAt" = now(), error = NULL
         FROM unnest($1::bigint[], $2::text[]) AS v(id, ext)
        WHERE m.id = v.id`,
      [items.map((i) => i.id.toString()), items.map((i) => i.ext)],
    );
    return items.map(() => undefined);
  });
  return { record: (id, externalMessageId) => record({ id, ext: externalMessageId }) };
}
