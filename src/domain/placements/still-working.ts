/**
 * The retention rule, in one place: a placement counts as still working `months` after its start
 * when it had not ended before that mark and the client did not say at that check-in that they had
 * stopped. Pure; dates are calendar dates (YYYY-MM-DD).
 */
import { DateTime } from "luxon";

/** What the rule needs to know about a placement. */
export interface PlacementFacts {
  startDate: string;
  endedOn: string | null;
  /** The client's "still working?" answer per check-in point ("month_1", …), when they gave one. */
  stillWorking: Readonly<Record<string, boolean | null | undefined>>;
}

/** The day `months` months after `date`. */
export function monthsAfter(date: string, months: number): string {
  return DateTime.fromISO(date, { zone: "utc" }).plus({ months }).toISODate() as string;
}

/** True or false once the mark `months` after the start is on or before `today`; null before that. */
export function stillWorkingAfter(placement: PlacementFacts, months: number, today: string): boolean | null {
  const mark = monthsAfter(placement.startDate, months);
  if (mark > today) return null;
  const endedBefore = placement.endedOn !== null && placement.endedOn < mark;
  return !endedBefore && placement.stillWorking[`month_${months}`] !== false;
}

/** Whether the placement was going on `day`: started, not ended before, and no check-in due by then said "stopped". */
export function workingOn(placement: PlacementFacts, day: string): boolean {
  if (placement.startDate > day) return false;
  if (placement.endedOn !== null && placement.endedOn < day) return false;
  return ![1, 3, 6].some(
    (months) =>
      placement.stillWorking[`month_${months}`] === false && monthsAfter(placement.startDate, months) <= day,
  );
}
