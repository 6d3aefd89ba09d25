/**
 * A placement as the API and the command line show it in JSON: its own fields, dates as
 * calendar days (YYYY-MM-DD, the day the counsellor gave).
 */
import type { Placement } from "../../generated/prisma/client.ts";

/** A date as its calendar day (placements store days at midnight UTC). */
export const calendarDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The fields of a placement, without its check-ins. */
export function placementJson(p: Placement) {
  return {
    id: p.id,
    caseId: p.caseId,
    employer: p.employer,
    job: p.job,
    contractType: p.contractType,
    startDate: calendarDay(p.startDate),
    status: p.status,
    endedOn: p.endedOn ? calendarDay(p.endedOn) : null,
  };
}
