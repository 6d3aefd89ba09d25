/**
 * The case's status pipeline as it happened: every change with who made it (a staff id, or null
 * for the bot) and when. Written next to the change, in the same transaction.
 */
import type { CaseStatus } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";

/** The pipeline's steps in order (closed can follow any). */
export const CASE_PIPELINE: readonly CaseStatus[] = [
  "lead",
  "intake",
  "preparation",
  "training",
  "working",
  "closed",
];

/** Records a change of status. */
export async function recordStatusChange(
  db: DbClient,
  change: { caseId: string; from: CaseStatus | null; to: CaseStatus; actorId: string | null },
): Promise<void> {
  if (change.from === change.to) return;
  await db.caseStatusChange.create({ data: change });
}

/** One step of the history, with the actor's name. */
export interface StatusChange {
  from: CaseStatus | null;
  to: CaseStatus;
  at: Date;
  actorName: string | null;
}

/** The case's changes, oldest first. */
export async function statusHistory(db: DbClient, caseId: string): Promise<StatusChange[]> {
  const rows = await db.caseStatusChange.findMany({
    where: { caseId },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => id !== null))];
  const actors = actorIds.length
    ? await db.counsellor.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })
    : [];
  const names = new Map(actors.map((a) => [a.id, a.name]));
  return rows.map((r) => ({
    from: r.from,
    to: r.to,
    at: r.at,
    actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
  }));
}
