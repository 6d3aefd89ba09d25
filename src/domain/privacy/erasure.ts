/**
 * Erasure on request (/delete, or a staff member asked in person: staff-erasure.ts): removes the client and everything that names or reaches them
 * (conversations with their platform ids, messages, consents, flow runs, staff notes, tasks) and anonymises their
 * cases (no client, no reference, closed), so programme counts stay right without personal data.
 * Keeps one anonymous audit event per organisation involved. What happens to each table: erasure-rules.ts.
 */
import type { DbClient } from "../../store/prisma.ts";
import { deleteTeamsCards } from "../staff/teams-cards.ts";

export interface ErasureResult {
  caseIds: string[];
  conversations: number;
  /** Job ids of the nudges deleted with the person: remove their Redis timers after commit (syncTimers). */
  nudgeJobIds: string[];
}

/**
 * Who asked: the client themselves (/delete), or a staff member the person asked in person or by
 * phone (staff-erasure.ts). The audit says which; `erasureId` ties the events of one erasure.
 */
export type ErasureRequest =
  | { by: "client" }
  | { by: "staff"; staffId: string; organisationId: string; erasureId: string; submission?: string };

type ErasedCase = { id: string; programme: { organisationId: string } | null };

const NOTHING: ErasureResult = { caseIds: [], conversations: 0, nudgeJobIds: [] };

/** Erases the client behind `conversationId` (or just that conversation, when no client). Run in a transaction. */
export async function eraseByConversation(tx: DbClient, conversationId: string): Promise<ErasureResult> {
  const conversation = await tx.conversation.findUnique({
    where: { id: conversationId },
    select: { clientId: true },
  });
  if (!conversation) return NOTHING;
  const who = conversation.clientId ? { clientId: conversation.clientId } : { conversationId };
  return erase(tx, who, { by: "client" });
}

/** Erases the client `clientId` everywhere, as /delete does, at a staff member's hands. Run in a transaction. */
export async function eraseClient(
  tx: DbClient,
  clientId: string,
  request: Extract<ErasureRequest, { by: "staff" }>,
): Promise<ErasureResult> {
  return erase(tx, { clientId }, request);
}

/** The one erasure: a client and all that reaches them, or a conversation that has no client. */
async function erase(
  tx: DbClient,
  who: { clientId: string } | { conversationId: string },
  request: ErasureRequest,
): Promise<ErasureResult> {
  const clientId = "clientId" in who ? who.clientId : null;
  const conversationWhere = "clientId" in who ? { clientId: who.clientId } : { id: who.conversationId };
  const cases = clientId
    ? await tx.case.findMany({
        where: { clientId },
        select: { id: true, programme: { select: { organisationId: true } } },
      })
    : [];
  const caseIds = cases.map((c) => c.id);
  if (caseIds.length) await anonymiseCases(tx, caseIds);
  const gone = await tx.conversation.findMany({ where: conversationWhere, select: { id: true } });
  const goneIds = gone.map((c) => c.id);
  await deleteTasks(tx, { caseIds, conversationIds: goneIds, clientId });
  await forgetConversationsInAudit(tx, goneIds);
  const nudgeJobIds = await deleteTraces(tx, goneIds, caseIds);
  const deleted = await tx.conversation.deleteMany({ where: conversationWhere });
  if (clientId) await tx.client.delete({ where: { id: clientId } });
  await auditErasure(tx, cases, deleted.count, request);
  return { caseIds, conversations: deleted.count, nudgeJobIds };
}

/** Cases stay for the programme's counts, without the person: no client, no reference, closed. */
async function anonymiseCases(tx: DbClient, caseIds: string[]): Promise<void> {
  // Staff notes are about the person: they go with them.
  await tx.caseNote.deleteMany({ where: { caseId: { in: caseIds } } });
  // So are the notes on what to bring to an appointment (free text a person wrote for them).
  await tx.appointment.updateMany({ where: { caseId: { in: caseIds } }, data: { bringNotes: {} } });
  // And the Teams cards staff got about them (a first name and the case reference).
  await deleteTeamsCards(tx, caseIds);
  // Where they work, next to the day they started, points at one person: the dates stay for the funnel.
  await tx.placement.updateMany({ where: { caseId: { in: caseIds } }, data: { employer: "", job: "" } });
  // A staff member's named list ("Ion's family") keeps no erased case.
  await tx.$executeRaw`UPDATE "SavedList"
    SET "caseIds" = ARRAY(SELECT id FROM unnest("caseIds") id WHERE id <> ALL(${caseIds}::text[]))
    WHERE "caseIds" && ${caseIds}::text[]`;
  await tx.case.updateMany({
    where: { id: { in: caseIds } },
    data: { clientId: null, reference: null, inviteCode: null, status: "closed" },
  });
}

/**
 * The tasks about the person (a handover, an answer, a check-in's mood, interest in a job): nobody
 * needs to act on them any more, and a check-in's escalation says how they felt.
 */
async function deleteTasks(
  tx: DbClient,
  of: { caseIds: string[]; conversationIds: string[]; clientId: string | null },
): Promise<void> {
  const handovers = await tx.handover.findMany({
    where: { conversationId: { in: of.conversationIds } },
    select: { id: true },
  });
  const alerts = of.clientId
    ? await tx.jobAlert.findMany({ where: { clientId: of.clientId }, select: { id: true } })
    : [];
  await tx.$executeRaw`DELETE FROM "CounsellorTask"
    WHERE "caseId" = ANY(${of.caseIds}::text[])
       OR data->>'handoverId' = ANY(${handovers.map((h) => h.id)}::text[])
       OR data->>'alertId' = ANY(${alerts.map((a) => a.id)}::text[])`;
}

/** Audit events that named an erased conversation (a channel link, a client with no intake) lose its id. */
async function forgetConversationsInAudit(tx: DbClient, conversationIds: string[]): Promise<void> {
  await tx.$executeRaw`UPDATE "AuditEvent" SET "subjectId" = NULL
    WHERE "subjectType" = 'conversation' AND "subjectId" = ANY(${conversationIds}::text[])`;
  await tx.$executeRaw`UPDATE "AuditEvent" SET data = data - 'from'
    WHERE data->>'from' = ANY(${conversationIds}::text[])`;
}

/**
 * What names the conversations or cases without a foreign key: broadcast recipients and nudges.
 * Returns the deleted nudges' job ids (their timers). Messages, consents and flow runs go with
 * their conversation (ON DELETE CASCADE); a broadcast's report then counts them as erased.
 */
async function deleteTraces(tx: DbClient, conversationIds: string[], caseIds: string[]): Promise<string[]> {
  await tx.broadcastRecipient.deleteMany({ where: { conversationId: { in: conversationIds } } });
  const nudgeWhere = {
    OR: [
      { conversationId: { in: conversationIds } },
      ...(caseIds.length ? [{ caseId: { in: caseIds } }] : []),
    ],
  };
  const nudges = await tx.nudge.findMany({ where: nudgeWhere, select: { jobId: true } });
  await tx.nudge.deleteMany({ where: nudgeWhere });
  return nudges.map((n) => n.jobId);
}

/**
 * One anonymous audit event per organisation involved (one without organisation when none). A
 * staff erasure names the staff member (their id) in their own organisation's event only; the
 * others say `staff` and share the erasure's id, so an operator can put them together.
 */
async function auditErasure(
  tx: DbClient,
  cases: ErasedCase[],
  conversations: number,
  request: ErasureRequest,
): Promise<void> {
  const organisationOf = (c: ErasedCase) => c.programme?.organisationId ?? null;
  const organisations = new Set(cases.map(organisationOf));
  // The acting staff member's organisation always has its event (a case of theirs with no programme).
  if (request.by === "staff") organisations.add(request.organisationId);
  if (organisations.size === 0) organisations.add(null);
  for (const organisationId of organisations) {
    const ours = request.by === "staff" && request.organisationId === organisationId;
    const staff =
      request.by === "staff"
        ? {
            erasure: request.erasureId,
            ...(ours && request.submission ? { submission: request.submission } : {}),
          }
        : {};
    await tx.auditEvent.create({
      data: {
        type: "client.erased",
        organisationId,
        actor: request.by === "client" ? "client" : ours ? request.staffId : "staff",
        data: {
          cases: cases.filter((c) => organisationOf(c) === organisationId).map((c) => c.id),
          conversations,
          ...staff,
        },
      },
    });
  }
}
