/**
 * A vacancy's match list as staff see it: every candidate ranked (matching.ts), with the notes in
 * words (match-notes.ts), the name the team knows them by, whether a counsellor may add someone
 * matching left out, and what became of the alert they got — its answer, why "not for me", and
 * the task an interest opened. Sending from it: the ticked people, as sendJobAlerts takes them.
 */
import { DateTime } from "luxon";
import type { Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { mayBeAdded } from "./matching.ts";
import { matchVacancy } from "./vacancies.ts";

/** One person on the list. */
export interface CandidateRow {
  caseId: string;
  clientId: string;
  /** The client's name or the team's reference, if either is known. */
  name: string | null;
  included: boolean;
  score: number | null;
  /** Codes: reasons when included, exclusions when left out. */
  codes: string[];
  /** Left out for fit only: a counsellor may send it anyway. */
  mayBeAdded: boolean;
  /** The language the card reaches them in (null: no text they read). */
  locale: string | null;
  notes: Output[];
  alert: {
    id: string;
    status: string;
    declineReason: string | null;
    answeredAt: Date | null;
    taskId: string | null;
  } | null;
}

/** Today's calendar date in `timeZone`, the day legal access is checked against. */
export function todayIn(timeZone: string, now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() as string;
}

/** The rows, best match first, then those left out. */
export async function vacancyCandidates(
  db: Db,
  vacancy: Vacancy,
  options: { timeZone: string; now?: Date },
): Promise<CandidateRow[]> {
  const ranked = await matchVacancy(db, {
    vacancyId: vacancy.id,
    today: todayIn(options.timeZone, options.now),
  });
  const [cases, alerts, tasks] = await Promise.all([
    db.case.findMany({
      where: { id: { in: ranked.map((r) => r.caseId) } },
      select: { id: true, reference: true, client: { select: { displayName: true } } },
    }),
    db.jobAlert.findMany({ where: { vacancyId: vacancy.id } }),
    db.counsellorTask.findMany({
      where: {
        kind: "job.interest",
        organisationId: vacancy.organisationId,
        data: { path: ["vacancyId"], equals: vacancy.id },
      },
      select: { id: true, data: true },
    }),
  ]);
  const nameOf = new Map(cases.map((c) => [c.id, c.client?.displayName ?? c.reference ?? null]));
  const alertOf = new Map(alerts.map((a) => [a.clientId, a]));
  const taskOf = new Map(tasks.map((t) => [String((t.data as { alertId?: unknown }).alertId ?? ""), t.id]));
  return ranked.map((r) => {
    const alert = alertOf.get(r.clientId);
    return {
      caseId: r.caseId,
      clientId: r.clientId,
      name: nameOf.get(r.caseId) ?? null,
      included: r.included,
      score: r.included ? r.score : null,
      codes: r.included ? r.reasons : r.exclusions,
      mayBeAdded: !r.included && mayBeAdded(r.exclusions),
      locale: r.locale ?? null,
      notes: r.notes,
      alert: alert
        ? {
            id: alert.id,
            status: alert.status,
            declineReason: alert.declineReason,
            answeredAt: alert.answeredAt,
            taskId: taskOf.get(alert.id) ?? null,
          }
        : null,
    };
  });
}

/** What to pass sendJobAlerts for the ticked cases: add the left-out ticked, drop the unticked. */
export function selectionFor(rows: readonly CandidateRow[], ticked: ReadonlySet<string>) {
  return {
    includeCaseIds: rows.filter((r) => !r.included && ticked.has(r.caseId)).map((r) => r.caseId),
    excludeCaseIds: rows.filter((r) => r.included && !ticked.has(r.caseId)).map((r) => r.caseId),
  };
}
