/**
 * A case's conversation as staff read it: every message of its client's conversations, both
 * directions, oldest first, with its delivery status and who wrote it (the client, the bot, or
 * a named staff member). Inbound messages kept before consent have no text (we kept none).
 */
import type { MessageDirection, MessageStatus } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";

/** One line of the transcript. */
export interface TranscriptEntry {
  id: string;
  direction: MessageDirection;
  author: "client" | "bot" | "staff";
  staffName: string | null;
  text: string | null;
  /** The choice the client tapped (inbound), or the buttons offered (outbound). */
  choiceId: string | null;
  status: MessageStatus;
  channel: string;
  locale: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Messages shown at most (the latest ones). */
export const TRANSCRIPT_LIMIT = 500;

/** The transcript of the case's client (call only for a case in the staff member's scope). */
export async function caseTranscript(db: DbClient, caseId: string): Promise<TranscriptEntry[]> {
  const found = await db.case.findUnique({ where: { id: caseId }, select: { clientId: true } });
  if (!found?.clientId) return [];
  const rows = await db.message.findMany({
    where: { conversation: { clientId: found.clientId } },
    orderBy: { id: "desc" },
    take: TRANSCRIPT_LIMIT,
    include: { conversation: { select: { channel: true } } },
  });
  const authorIds = [...new Set(rows.map((r) => r.authorStaffId).filter((id): id is string => id !== null))];
  const staff = await db.counsellor.findMany({
    where: { id: { in: authorIds } },
    select: { id: true, name: true },
  });
  const names = new Map(staff.map((s) => [s.id, s.name]));
  return rows.reverse().map((row) => {
    const payload = (row.payload ?? {}) as { choiceId?: unknown; locale?: unknown };
    return {
      id: row.id.toString(),
      direction: row.direction,
      author: row.direction === "inbound" ? "client" : row.authorStaffId ? "staff" : "bot",
      staffName: row.authorStaffId ? (names.get(row.authorStaffId) ?? null) : null,
      text: row.text,
      choiceId: typeof payload.choiceId === "string" ? payload.choiceId : null,
      status: row.status,
      channel: row.conversation.channel,
      locale: typeof payload.locale === "string" ? payload.locale : null,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    };
  });
}
