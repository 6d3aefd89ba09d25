/**
 * What staff read about handovers: the open ones they may see (all, or only those flagged as
 * unanswered after the programme's working hours) (their organisation's; a steward
 * only those of clients they brought in), one by id within that scope, and "seen" marks.
 */
import type { Handover, Prisma } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";
import { lastChannelsOfClients } from "../cases/last-channel.ts";
import { NotFoundError } from "../errors.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";

/** One open handover as the inbox lists it. */
export interface InboxItem {
  id: string;
  caseId: string | null;
  conversationId: string;
  reason: string;
  createdAt: Date;
  /** The client's language (the conversation's). */
  clientLocale: string | null;
  clientName: string | null;
  caseReference: string | null;
  lastClientAt: Date;
  answeredAt: Date | null;
  /** Unanswered after the programme's working hours: the coordinator's to look at. */
  flaggedAt: Date | null;
  /** The channel the client wrote on last (Telegram, Teams, web chat), over all their linked
   * conversations; the handover's own conversation's for a client not known yet. */
  channel: string;
}

/** The where-clause of the handovers a staff member may see. */
export async function handoverScope(db: DbClient, staff: StaffIdentity): Promise<Prisma.HandoverWhereInput> {
  const organisation = { organisationId: staff.organisationId };
  if (staff.role !== "steward") return organisation;
  const cases = await db.case.findMany({ where: caseScope(staff), select: { id: true } });
  return { ...organisation, caseId: { in: cases.map((c) => c.id) } };
}

/** The open handovers in scope, oldest first (the one waiting longest on top). */
export async function listOpenHandovers(
  db: DbClient,
  staff: StaffIdentity,
  options: { flaggedOnly?: boolean } = {},
): Promise<InboxItem[]> {
  const rows = await db.handover.findMany({
    where: {
      AND: [
        await handoverScope(db, staff),
        { status: "open" },
        ...(options.flaggedOnly ? [{ flaggedAt: { not: null } }] : []),
      ],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      conversation: {
        select: { locale: true, channel: true, clientId: true, client: { select: { displayName: true } } },
      },
    },
  });
  const cases = await db.case.findMany({
    where: { id: { in: rows.map((r) => r.caseId).filter((id): id is string => id !== null) } },
    select: { id: true, reference: true },
  });
  const reference = new Map(cases.map((c) => [c.id, c.reference]));
  const clientIds = rows.map((r) => r.conversation.clientId).filter((id): id is string => id !== null);
  const usedLast = await lastChannelsOfClients(db, clientIds);
  return rows.map((row) => ({
    id: row.id,
    caseId: row.caseId,
    conversationId: row.conversationId,
    reason: row.reason,
    createdAt: row.createdAt,
    clientLocale: row.conversation.locale,
    clientName: row.conversation.client?.displayName ?? null,
    caseReference: row.caseId ? (reference.get(row.caseId) ?? null) : null,
    lastClientAt: row.lastClientAt,
    answeredAt: row.answeredAt,
    flaggedAt: row.flaggedAt,
    channel:
      (row.conversation.clientId && usedLast.get(row.conversation.clientId)) || row.conversation.channel,
  }));
}

/** A handover in scope, or NotFoundError. */
export async function handoverForStaff(db: DbClient, staff: StaffIdentity, id: string): Promise<Handover> {
  const found =
    id.length <= 100
      ? await db.handover.findFirst({ where: { AND: [{ id }, await handoverScope(db, staff)] } })
      : null;
  if (!found) throw new NotFoundError("No such handover.");
  return found;
}

/** The open handover of a case's conversations, if any (the conversation view shows it). */
export function openHandoverOfCase(db: DbClient, caseId: string): Promise<Handover | null> {
  return db.handover.findFirst({ where: { caseId, status: "open" }, orderBy: { createdAt: "desc" } });
}

/** A staff member opened the conversation: the handover has been seen by a person. */
export async function markSeen(db: DbClient, handoverId: string, now = new Date()): Promise<void> {
  await db.handover.updateMany({ where: { id: handoverId, seenAt: null }, data: { seenAt: now } });
}
