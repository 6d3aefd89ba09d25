/**
 * The turn's hot path in plain SQL (node-postgres, no ORM). Every query through Prisma 6.19
 * costs 1–2 ms of CPU in its WebAssembly query compiler and plan interpreter, 5–15 times the
 * driver's own (bench/prisma-queries.ts), and an inbound turn made 18–36 of them. Here, what a
 * turn reads before it routes the message — is it a replay, the conversation, its latest consent,
 * its active flow runs — is one query on the connection that already holds the conversation's
 * lock, and the conversation is found by its channel address in one more. Everything else stays
 * with Prisma (the replies are sent and recorded by the outbox, which has its own SQL path).
 * Table and column names are Prisma's (prisma/schema.prisma): quoted, camelCase; its DateTime
 * columns are UTC `timestamp(3)` without a time zone, so they are read `AT TIME ZONE 'UTC'`.
 */
import type pg from "pg";
import type { ChannelName } from "../channels/types.ts";
import type { Consent, Conversation } from "../generated/prisma/client.ts";

/** An active flow run as the turn loads it. */
export interface FlowRunRow {
  id: string;
  flowId: string;
  flowVersion: number;
  stepId: string | null;
  state: unknown;
}

/** What a turn reads before it routes the message. */
export interface TurnRows {
  conversation: Conversation;
  /** The inbound message was stored already: a redelivery. */
  seen: boolean;
  /** The latest consent decision, or null. */
  consent: Consent | null;
  /** Active runs, most recent first. */
  runs: FlowRunRow[];
}

interface TurnRow {
  id: string;
  channel: Conversation["channel"];
  externalConversationId: string;
  externalUserId: string;
  tenantId: string | null;
  clientId: string | null;
  staffId: string | null;
  locale: string | null;
  status: Conversation["status"];
  reference: Conversation["reference"];
  createdAt: Date;
  lastInboundAt: Date | null;
  reachCounted: boolean;
  voiceNotes: boolean;
  seen: boolean;
  consentId: string | null;
  consentClientId: string | null;
  noticeVersion: string | null;
  decision: Consent["decision"] | null;
  consentChannel: Consent["channel"] | null;
  decidedAt: Date | null;
  runs: FlowRunRow[];
}

const LOAD_TURN = `
SELECT c.id, c.channel, c."externalConversationId", c."externalUserId", c."tenantId", c."clientId", c."staffId", c.locale,
       c.status, c.reference, c."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
       c."lastInboundAt" AT TIME ZONE 'UTC' AS "lastInboundAt", c."reachCounted", c."voiceNotes",
       EXISTS (SELECT 1 FROM "Message" m WHERE m."idempotencyKey" = $2) AS seen,
       k.id AS "consentId", k."clientId" AS "consentClientId", k."noticeVersion", k.decision,
       k.channel AS "consentChannel", k."decidedAt" AT TIME ZONE 'UTC' AS "decidedAt",
       (SELECT coalesce(json_agg(json_build_object('id', r.id, 'flowId', r."flowId",
                 'flowVersion', r."flowVersion", 'stepId', r."stepId", 'state', r.state)
                 ORDER BY r."startedAt" DESC), '[]'::json)
          FROM "FlowRun" r WHERE r."conversationId" = c.id AND r.status = 'active') AS runs
  FROM "Conversation" c
  LEFT JOIN LATERAL (SELECT * FROM "Consent" WHERE "conversationId" = c.id
                      ORDER BY "decidedAt" DESC LIMIT 1) k ON true
 WHERE c.id = $1`;

/** The turn's reads in one query; null when the conversation is gone (erased). */
export async function loadTurnRows(
  client: pg.ClientBase,
  conversationId: string,
  inboundKey: string,
): Promise<TurnRows | null> {
  const { rows } = await client.query<TurnRow>(LOAD_TURN, [conversationId, inboundKey]);
  const row = rows[0];
  if (!row) return null;
  const conversation: Conversation = {
    id: row.id,
    channel: row.channel,
    externalConversationId: row.externalConversationId,
    externalUserId: row.externalUserId,
    tenantId: row.tenantId,
    clientId: row.clientId,
    staffId: row.staffId,
    locale: row.locale,
    status: row.status,
    reference: row.reference,
    createdAt: row.createdAt,
    lastInboundAt: row.lastInboundAt,
    reachCounted: row.reachCounted,
    voiceNotes: row.voiceNotes,
  };
  const consent: Consent | null =
    row.consentId && row.decision && row.consentChannel && row.decidedAt && row.noticeVersion !== null
      ? {
          id: row.consentId,
          conversationId: row.id,
          clientId: row.consentClientId,
          noticeVersion: row.noticeVersion,
          decision: row.decision,
          channel: row.consentChannel,
          decidedAt: row.decidedAt,
        }
      : null;
  return { conversation, seen: row.seen, consent, runs: row.runs };
}

/** The id of the conversation at a channel address, or undefined when there is none yet. */
export async function findConversationId(
  pool: pg.Pool,
  channel: ChannelName,
  externalConversationId: string,
): Promise<string | undefined> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "Conversation" WHERE channel = $1 AND "externalConversationId" = $2`,
    [channel, externalConversationId],
  );
  return rows[0]?.id;
}
