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
import type { ChannelName } from "../channels/types.ts";

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

const CLAIM = `
UPDATE "Message" AS m
   SET status = 'sending', attempts = m.attempts + 1
  FROM "Conversation" AS c
 WHERE m.id = $1
   AND m.status = 'queued'
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
        AND e."createdAt" > now() - make_interval(secs => $2))
RETURNING m.id, m."conversationId", m.text, m.payload, c.channel, c."externalConversationId",
          c."externalUserId", c.reference, c.locale`;

/** Takes message `id` for sending if it may go now; null when it may not (for any reason). */
export async function claimForSend(sql: pg.Pool, id: bigint): Promise<ClaimedMessage | null> {
  const result = await sql.query(CLAIM, [id.toString(), ORDER_WINDOW_MS / 1000]);
  const row = result.rows[0];
  if (!row) return null;
  return {
    id: BigInt(row.id),
    conversationId: row.conversationId,
    text: row.text,
    payload: row.payload,
    channel: row.channel,
    externalConversationId: row.externalConversationId,
    externalUserId: row.externalUserId,
    reference: row.reference,
    locale: row.locale,
  };
}

/** Records that the platform accepted messages, batching those that finish together. */
export interface SentRecorder {
  /** Resolves once message `id` is recorded as sent under the platform's message id. */
  record(id: bigint, externalMessageId: string): Promise<void>;
}

/**
 * Every record asked for in one turn of the event loop goes into one UPDATE (at 1,000 messages a
 * second, dozens at a time), so the database sees one statement per batch, not per message. Each
 * caller still waits for its own row to be written before its job completes.
 */
export function createSentRecorder(sql: pg.Pool): SentRecorder {
  let batch: { id: string; ext: string; done: (error?: unknown) => void }[] = [];
  const flush = async () => {
    const items = batch;
    batch = [];
    try {
      await sql.query(
        `UPDATE "Message" AS m
            SET status = 'sent', "channelMessageId" = v.ext, "sentAt" = now(), error = NULL
           FROM unnest($1::bigint[], $2::text[]) AS v(id, ext)
          WHERE m.id = v.id`,
        [items.map((i) => i.id), items.map((i) => i.ext)],
      );
      for (const item of items) item.done();
    } catch (error) {
      for (const item of items) item.done(error);
    }
  };
  return {
    record(id, externalMessageId) {
      return new Promise<void>((resolve, reject) => {
        if (!batch.length) setImmediate(() => void flush());
        batch.push({
          id: id.toString(),
          ext: externalMessageId,
          done: (error) => (error ? reject(error) : resolve()),
        });
      });
    },
  };
}
