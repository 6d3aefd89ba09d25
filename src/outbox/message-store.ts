/**
 * The Message table as the outbox's queue (plain SQL: the hot path). A sender takes a message by a
 * lease; only its holder changes it after. `queued` + lease: not sent, another sender takes it once
 * the lease lapses. `sending`: the request may have left; a dead sender's is swept (sweepUncertain).
 */
import type pg from "pg";
import type { ChannelName, OutboundMessage } from "../channels/types.ts";
import { prepared } from "../store/prepared.ts";
import { KINDS, type MessageKind, UNCERTAIN } from "./kinds.ts";

/** A taken message with what sending it needs. */
export interface TakenMessage {
  id: bigint;
  conversationId: string;
  kind: MessageKind;
  attempts: number;
  text: string | null;
  payload: unknown;
  conversationStatus: string;
  channel: ChannelName;
  externalConversationId: string;
  externalUserId: string;
  reference: unknown;
  locale: string | null;
}

/**
 * The one "an earlier message is waiting" rule: `e` holds back `m`, a later message of the same
 * chat, until settled; a broadcast's message never holds back one that is not.
 */
export const HOLDS_BACK = (e: string, m: string) => `${e}."conversationId" = ${m}."conversationId"
  AND ${e}.direction = 'outbound' AND ${e}.status IN ('queued', 'sending') AND ${e}.id < ${m}.id
  AND (${e}.kind <> 'broadcast' OR ${m}.kind = 'broadcast')`;

/** Whether an earlier message holds `m` back. OFFSET 0 keeps it a probe of Message_waiting_idx. */
const EARLIER_WAITING = (m: string) =>
  `EXISTS (SELECT 1 FROM "Message" AS e WHERE ${HOLDS_BACK("e", m)} OFFSET 0)`;
const FREE = (m: string) => `(${m}."leaseUntil" IS NULL OR ${m}."leaseUntil" < now())`;

/** Leases the message `which` picks (a condition on m) under token $2 for $3 s, `set` too; returns it, with its chat. */
const LEASE = (which: string, set = "") => `
UPDATE "Message" AS m SET ${set}"leaseUntil" = now() + make_interval(secs => $3), "leaseToken" = $2
  FROM "Conversation" AS c WHERE c.id = m."conversationId" AND ${which}
RETURNING m.id, m."conversationId", m.kind, m.attempts, m.text, m.payload,
  c.status::text AS "conversationStatus", c.channel::text AS channel, c."externalConversationId",
  c."externalUserId", c.reference, c.locale`;

const PICK_SQL = LEASE(`m.id = (
   SELECT q.id FROM "Message" AS q JOIN "Conversation" AS qc ON qc.id = q."conversationId"
    WHERE q.direction = 'outbound' AND q.status = 'queued' AND qc.channel = $1::"Channel" AND q.queue IN ($4, '')
      AND (q."notBefore" IS NULL OR q."notBefore" <= now()) AND ${FREE("q")} AND NOT ${EARLIER_WAITING("q")}
    ORDER BY q.priority, q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED)`);

const TAKE_SENDING_SQL = LEASE(
  `m.id = $1 AND m.direction = 'outbound' AND m.status = 'queued' AND (${FREE("m")} OR m."leaseToken" = $2)
   AND NOT ${EARLIER_WAITING("m")}`,
  "status = 'sending', attempts = m.attempts + 1, ",
);

const toTaken = (row: Record<string, unknown>) => ({ ...row, id: BigInt(row.id as string) }) as TakenMessage;

/** Takes the next message of `queue` (or of none) to send on `channel`, by priority, then age. */
export function pickNext(sql: pg.Pool, channel: ChannelName, queue: string, token: string, secs: number) {
  const picked = sql.query(PICK_SQL, [channel, token, secs, queue]);
  return picked.then(({ rows }) => (rows[0] ? toTaken(rows[0]) : null));
}

/** Takes message `id` (free, or held under `token`) as `sending` for `secs`; "wait" while held back; null once settled. */
export async function takeSending(sql: pg.Pool, id: bigint, token: string, secs: number) {
  const { rows } = await sql.query(prepared(TAKE_SENDING_SQL, [String(id), token, secs])); // store/prepared.ts
  // attempts as pickNext's: before this one.
  if (rows[0]) return { ...toTaken(rows[0]), attempts: Number(rows[0].attempts) - 1 };
  const state = await sql.query(`SELECT status::text AS status FROM "Message" WHERE id = $1`, [String(id)]);
  return state.rows[0]?.status === "queued" ? ("wait" as const) : null;
}

/** The queued messages that hold message `id` back, oldest first: a turn sends them first. */
export async function earlierQueued(sql: pg.Pool, id: bigint, queue: string): Promise<bigint[]> {
  const { rows } = await sql.query(
    `SELECT e.id FROM "Message" AS m JOIN "Message" AS e ON ${HOLDS_BACK("e", "m")}
      WHERE m.id = $1 AND e.status = 'queued' AND e.queue IN ($2, '') ORDER BY e.id`,
    [String(id), queue],
  );
  return rows.map((row) => BigInt(row.id));
}

const SENT_SQL = `UPDATE "Message" SET status = 'sent', "channelMessageId" = $3, "sentAt" = now(), error = NULL,
  "leaseUntil" = NULL WHERE id = $1 AND "leaseToken" = $2`;
/** The platform accepted it; under the sender's lease only (a row swept meanwhile stays uncertain). */
export async function recordSent(sql: pg.Pool, id: bigint, token: string, externalMessageId: string) {
  await sql.query(prepared(SENT_SQL, [String(id), token, externalMessageId]));
}

export type ReleaseOptions = { afterMs: number; reason?: string; uncount?: boolean; queuedOnly?: boolean };

/** Back to queued after `afterMs` (not delivered); `uncount`: attempt back; `queuedOnly`: not if `sending`. */
export async function release(sql: pg.Pool, id: bigint, token: string, options: ReleaseOptions) {
  const { afterMs, reason, uncount, queuedOnly } = options;
  await sql.query(
    `UPDATE "Message" SET status = 'queued', "leaseUntil" = NULL, "leaseToken" = NULL,
            "notBefore" = now() + make_interval(secs => $3), error = COALESCE($4, error),
            attempts = GREATEST(attempts - CASE WHEN status = 'sending' THEN $5 ELSE 0 END, 0)
      WHERE id = $1 AND "leaseToken" = $2 AND (status = 'queued' OR (status = 'sending' AND NOT $6))`,
    [String(id), token, afterMs / 1000, reason ?? null, uncount ? 1 : 0, !!queuedOnly],
  );
}

/** Failed with `reason` (short; never message text). */
export async function failTaken(sql: pg.Pool, id: bigint, token: string, reason: string) {
  await sql.query(
    `UPDATE "Message" SET status = 'failed', error = $3, "leaseUntil" = NULL
      WHERE id = $1 AND "leaseToken" = $2 AND status IN ('queued', 'sending')`,
    [String(id), token, reason.slice(0, 500)],
  );
}

/** Messages a stopped sender left `sending`: failed as uncertain, or queued again if their kind allows. */
export async function sweepUncertain(sql: pg.Pool, queue: string): Promise<number> {
  const resend = Object.entries(KINDS).flatMap(([kind, rule]) => (rule.resendUncertain ? [kind] : []));
  const { rowCount } = await sql.query(
    `UPDATE "Message"
        SET status = (CASE WHEN kind::text = ANY($1::text[]) AND attempts < 2 THEN 'queued' ELSE 'failed' END)::"MessageStatus",
            error = CASE WHEN kind::text = ANY($1::text[]) AND attempts < 2 THEN $3 ELSE $2 END,
            "leaseUntil" = NULL, "leaseToken" = NULL
      WHERE direction = 'outbound' AND status = 'sending' AND COALESCE("leaseUntil", '-infinity') < now()
        AND queue IN ($4, '')`,
    [resend, UNCERTAIN, `resent: ${UNCERTAIN}`, queue],
  );
  return rowCount ?? 0;
}

/** What a taken message says, as the channel's sender takes it (replacesMessage: the question a tick updates). */
export function toOutbound(message: TakenMessage): OutboundMessage {
  const payload = (message.payload ?? {}) as Partial<OutboundMessage> & { replacesMessage?: string };
  return {
    text: message.text ?? "",
    locale: payload.locale ?? message.locale ?? "en",
    direction: payload.direction ?? "ltr",
    ...(payload.choices?.length ? { choices: payload.choices } : {}),
    ...(typeof payload.replacesMessage === "string" ? { replaces: payload.replacesMessage } : {}),
    ...(typeof payload.voice === "string" ? { voice: payload.voice } : {}),
  };
}
