/**
 * Erasure on request (/delete): removes the client and everything that names or reaches them
 * (conversations with their platform ids, messages, consents, flow runs, staff notes) and anonymises their
 * cases (no client, no reference, closed), so programme counts stay right without personal data.
 * Keeps one anonymous audit event per organisation involved.
 */
import type { DbClient } from "../../store/prisma.ts";

export interface ErasureResult {
  caseIds: string[];
  conversations: number;
  /** Job ids of the nudges deleted with the person: remove their Redis timers after commit (syncTimers). */
  nudgeJobIds: string[];
}

/** Erases the client behind `conversationId` (or just that conversation, when no client). Run in a transaction. */
export async function eraseByConversation(tx: DbClient, conversationId: string): Promise<ErasureResult> {
  const conversation = await tx.conversation.findUnique({
    where: { id: conversationId },
    select: { clientId: true },
  });
  if (!conversation) return { caseIds: [], conversations: 0, nudgeJobIds: [] };
  const clientId = conversation.clientId;
  const conversationWhere = clientId ? { clientId } : { id: conversationId };
  const cases = clientId
    ? await tx.case.findMany({
        where: { clientId },
        select: { id: true, programme: { select: { organisationId: true } } },
      })
    : [];
  if (cases.length) {
    // Staff notes are about the person: they go with them.
    await tx.caseNote.deleteMany({ where: { caseId: { in: cases.map((c) => c.id) } } });
    await tx.case.updateMany({
      where: { id: { in: cases.map((c) => c.id) } },
      data: { clientId: null, reference: null, inviteCode: null, status: "closed" },
    });
  }
  // Messages, consents and flow runs go with their conversation (ON DELETE CASCADE); the
  // broadcasts they were in forget them too (a broadcast's report then counts them as erased).
  const gone = await tx.conversation.findMany({ where: conversationWhere, select: { id: true } });
  await tx.broadcastRecipient.deleteMany({ where: { conversationId: { in: gone.map((c) => c.id) } } });
  // Nudges name the conversation or the case (no foreign key): they go too, and their timers.
  const nudgeWhere = {
    OR: [
      { conversationId: { in: gone.map((c) => c.id) } },
      ...(cases.length ? [{ caseId: { in: cases.map((c) => c.id) } }] : []),
    ],
  };
  const nudges = await tx.nudge.findMany({ where: nudgeWhere, select: { jobId: true } });
  await tx.nudge.deleteMany({ where: nudgeWhere });
  const deleted = await tx.conversation.deleteMany({ where: conversationWhere });
  if (clientId) await tx.client.delete({ where: { id: clientId } });
  const organisations = new Set(cases.map((c) => c.programme?.organisationId ?? null));
  if (organisations.size === 0) organisations.add(null);
  for (const organisationId of organisations) {
    await tx.auditEvent.create({
      data: {
        type: "client.erased",
        organisationId,
        actor: "client",
        data: {
          cases: cases
            .filter((c) => (c.programme?.organisationId ?? null) === organisationId)
            .map((c) => c.id),
          conversations: deleted.count,
        },
      },
    });
  }
  return {
    caseIds: cases.map((c) => c.id),
    conversations: deleted.count,
    nudgeJobIds: nudges.map((n) => n.jobId),
  };
}
