/**
 * The funnel's `reached`: a conversation that starts onboarding adds one to its programme's count
 * for the day, before any consent. Nothing about the person is kept: the count has no link to the
 * conversation, and the conversation only remembers that it was counted (so that a second /start
 * does not count twice). The programme is the one the client would join: the invite code's, else
 * the default intake; a conversation with neither is counted nowhere. Written as parts of the
 * turn's one statement (store/sql-write.ts), so a new person's /start is written at once.
 */
import type { ConversationSet } from "../../conversation/turn-registry.ts";
import type { SqlParams, WritePart } from "../../store/sql-write.ts";
import { DEFAULT_INTAKE_SQL } from "../cases/client-linking.ts";
import { normaliseInviteCode } from "../cases/invite-codes.ts";
import { inviteSql } from "../cases/invites.ts";

export interface Reach {
  conversationId: string;
  inviteCode: string | null;
  now: Date;
}

/**
 * The count as a part, and the conversation's mark as a column to set with the turn's UPDATE of
 * it. The part reads the mark from the statement's snapshot, before the mark is set: it counts
 * only a conversation not counted yet (the turn holds the conversation's lock). The day is the
 * programme's local date (`AT TIME ZONE` its IANA name).
 */
export function reachParts(
  params: SqlParams,
  reach: Reach,
): { parts: WritePart[]; conversation: ConversationSet[] } {
  const code = params.add(normaliseInviteCode(reach.inviteCode), "text");
  const now = params.add(reach.now, "timestamp");
  const sql = `INSERT INTO "ProgrammeReach" ("programmeId", day, count)
    SELECT p.id, ((${now} AT TIME ZONE 'UTC') AT TIME ZONE p.timezone)::date, 1
      FROM (SELECT id, timezone FROM (
              SELECT i."programmeId" AS id, i.timezone, 0 AS rank FROM (${inviteSql(code)}) i WHERE i.kind <> 'unknown'
              UNION ALL SELECT d.id, d.timezone, 1 FROM (${DEFAULT_INTAKE_SQL}) d
            ) AS candidate ORDER BY rank LIMIT 1) p
     WHERE EXISTS (SELECT 1 FROM "Conversation" c WHERE c.id = ${params.add(reach.conversationId, "text")}
                     AND NOT c."reachCounted")
    ON CONFLICT ("programmeId", day) DO UPDATE SET count = "ProgrammeReach".count + 1`;
  return {
    parts: [{ name: "reach", sql }],
    conversation: [{ column: "reachCounted", value: params.add(true, "boolean") }],
  };
}
