/**
 * The turn's hot path in plain SQL (node-postgres, no ORM). Every query through Prisma 6.19
 * costs 1–2 ms of CPU in its WebAssembly query compiler and plan interpreter, 5–15 times the
 * driver's own (bench/prisma-queries.ts), and an inbound turn made 18–36 of them. Here, what a
 * turn reads before it routes the message — is it a replay, the conversation, its latest consent,
 * its active flow runs, the client's programme (for the flows' start facts and the idle nudges),
 * the chat's queued messages its replies wait behind — is one query on the connection that
 * already holds the conversation's lock (found or created, and locked, by its channel address in
 * one more, conversation-lock.ts). The replies are sent and recorded by the outbox, which has its
 * own SQL.
 * Table and column names are Prisma's (prisma/schema.prisma): quoted, camelCase; its DateTime
 * columns are UTC `timestamp(3)` without a time zone, so they are read `AT TIME ZONE 'UTC'`.
 */
import type pg from "pg";
import type { Consent, Conversation } from "../generated/prisma/client.ts";
import { HOLDS_BACK } from "../outbox/message-store.ts";
import { prepared } from "../store/prepared.ts";

/** An active flow run as the turn loads it. */
export interface FlowRunRow {
  id: string;
  flowId: string;
  flowVersion: number;
  stepId: string | null;
  state: unknown;
}

/** The programme of the client's most recent open case, as the turn read it (null: none). */
export interface ProgrammeFacts {
  timeZone: string;
  /** Programme.settings as stored (JSON). */
  settings: unknown;
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
  /** The client's programme (their most recent open case's); null without a client, case or programme. */
  programme: ProgrammeFacts | null;
  /** Queued messages of the chat that a new reply waits behind (the outbox's HOLDS_BACK), oldest first. */
  earlier: bigint[];
}

interface TurnRow {
  id: string;
  channel: Conversation["channel"];
  externalConversationId: string;
  externalUserId: string;
  tenantId: string | null;
  clientId: string | null;
  staffId: string | null;
  staffQueue: string | null;
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
  programmeTimeZone: string | null;
  programmeSettings: unknown;
  earlier: string[];
}

/** A reply not yet written, as HOLDS_BACK sees it: the newest message of the chat. */
const NEW_REPLY = `(SELECT c.id AS "conversationId", 9223372036854775807::bigint AS id, 'reply'::"MessageKind" AS kind)`;

const LOAD_TURN = `
SELECT c.id, c.channel, c."externalConversationId", c."externalUserId", c."tenantId", c."clientId", c."staffId", c."staffQueue",
       c.locale,
       c.status, c.reference, c."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
       c."lastInboundAt" AT TIME ZONE 'UTC' AS "lastInboundAt", c."reachCounted", c."voiceNotes",
       EXISTS (SELECT 1 FROM "Message" m WHERE m."idempotencyKey" = $2) AS seen,
       k.id AS "consentId", k."clientId" AS "consentClientId", k."noticeVersion", k.decision,
       k.channel AS "consentChannel", k."decidedAt" AT TIME ZONE 'UTC' AS "decidedAt",
       (SELECT coalesce(json_agg(json_build_object('id', r.id, 'flowId', r."flowId",
                 'flowVersion', r."flowVersion", 'stepId', r."stepId", 'state', r.state)
                 ORDER BY r."startedAt" DESC), '[]'::json)
          FROM "FlowRun" r WHERE r."conversationId" = c.id AND r.status = 'active') AS runs,
       p.timezone AS "programmeTimeZone", p.settings AS "programmeSettings",
       (SELECT coalesce(array_agg(e.id ORDER BY e.id), '{}') FROM "Message" e, ${NEW_REPLY} m
         WHERE ${HOLDS_BACK("e", "m")} AND e.status = 'queued' AND e.queue IN ($3, '')) AS earlier
  FROM "Conversation" c
  LEFT JOIN LATERAL (SELECT * FROM "Consent" WHERE "conversationId" = c.id
                      ORDER BY "decidedAt" DESC LIMIT 1) k ON true
  LEFT JOIN LATERAL (SELECT pr.timezone, pr.settings FROM "Case" cs
                       LEFT JOIN "Programme" pr ON pr.id = cs."programmeId"
                      WHERE cs."clientId" = c."clientId" AND cs.status <> 'closed'
                      ORDER BY cs."createdAt" DESC LIMIT 1) p ON true
 WHERE c.id = $1`;

/**
 * The turn's reads in one query; null when the conversation is gone (erased). `queue`: the outbox
 * queue of the turn's replies (the earlier messages are those of that queue or of none).
 */
export async function loadTurnRows(
  client: pg.ClientBase,
  conversationId: string,
  inboundKey: string,
  queue: string,
): Promise<TurnRows | null> {
  const { rows } = await client.query<TurnRow>(prepared(LOAD_TURN, [conversationId, inboundKey, queue]));
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
    staffQueue: row.staffQueue,
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
  const programme =
    row.programmeTimeZone === null
      ? null
      : { timeZone: row.programmeTimeZone, settings: row.programmeSettings };
  const earlier = row.earlier.map((id) => BigInt(id));
  return { conversation, seen: row.seen, consent, runs: row.runs, programme, earlier };
}
