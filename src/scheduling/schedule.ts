/**
 * When nudges are due: appointment reminders, retention check-ins, idle-flow nudges, with quiet
 * hours. Pure: `now` and the settings come in, UTC instants go out. Rules:
 * - Whole-day offsets (P1D) mean the same local wall-clock time that many days before, also across
 *   a daylight-saving change; hour offsets (PT2H) are exact durations.
 * - A nudge inside quiet hours moves to their end; a reminder that would then be at or after the
 *   appointment moves to the start of quiet hours before it instead, or is dropped if that is past.
 */
import { DateTime, Duration } from "luxon";
import type { ProgrammeSchedule, QuietHours } from "./programme-schedule.ts";

function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `at` falls inside quiet hours in `timeZone`. */
export function isQuiet(at: Date, quietHours: QuietHours | null, timeZone: string): boolean {
  if (!quietHours) return false;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const now = local.hour * 60 + local.minute;
  const start = minutes(quietHours.start);
  const end = minutes(quietHours.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

function atClock(day: DateTime, clock: string): DateTime {
  const [hour, minute] = clock.split(":").map(Number);
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
}

/** The end of the quiet period `at` is in (or `at` itself when it is not quiet). */
export function endOfQuietHours(at: Date, quietHours: QuietHours | null, timeZone: string): Date {
  if (!quietHours || !isQuiet(at, quietHours, timeZone)) return at;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  let end = atClock(local, quietHours.end);
  if (end <= local) end = atClock(local.plus({ days: 1 }), quietHours.end);
  return end.toJSDate();
}

/** The start of the quiet period `at` is in. */
function startOfQuietHours(at: Date, quietHours: QuietHours, timeZone: string): Date {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  let start = atClock(local, quietHours.start);
  if (start > local) start = atClock(local.minus({ days: 1 }), quietHours.start);
  return start.toJSDate();
}

/** Subtracts an ISO duration in the zone: days keep the wall-clock time, hours are exact. */
function before(at: DateTime, offset: string): DateTime {
  const d = Duration.fromISO(offset);
  const days = d.years * 365 + d.months * 30 + d.weeks * 7 + d.days;
  const exact = Duration.fromObject({ hours: d.hours, minutes: d.minutes, seconds: d.seconds }).toMillis();
  return at.minus({ days }).minus({ milliseconds: exact });
}

/** Due times of an appointment's reminders, in order; past ones and impossible ones dropped. */
export function reminderTimes(
  startsAt: Date,
  schedule: ProgrammeSchedule,
  now: Date,
): { offset: string; dueAt: Date }[] {
  const appointment = DateTime.fromJSDate(startsAt, { zone: schedule.timeZone });
  const byTime = new Map<number, { offset: string; dueAt: Date; size: number }>();
  for (const offset of schedule.reminderOffsets) {
    let due = before(appointment, offset).toJSDate();
    if (isQuiet(due, schedule.quietHours, schedule.timeZone) && schedule.quietHours) {
      const end = endOfQuietHours(due, schedule.quietHours, schedule.timeZone);
      due =
        end.getTime() < startsAt.getTime()
          ? end
          : startOfQuietHours(due, schedule.quietHours, schedule.timeZone);
      if (due.getTime() >= startsAt.getTime()) continue;
    }
    if (due.getTime() < now.getTime()) continue;
    const size = Duration.fromISO(offset).toMillis();
    const existing = byTime.get(due.getTime());
    if (!existing || size > existing.size) byTime.set(due.getTime(), { offset, dueAt: due, size });
  }
  return [...byTime.values()]
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
    .map(({ offset, dueAt }) => ({ offset, dueAt }));
}

/**
 * Check-in times for a placement starting on `startDate` (yyyy-mm-dd): "evening" is 18:00 local on
 * that day, durations are 10:00 local on start date + duration; quiet hours applied. All points are
 * returned, past ones too: the caller decides (a placement recorded late skips them).
 */
export function checkInTimes(
  startDate: string,
  schedule: ProgrammeSchedule,
  _now: Date,
): { point: string; dueAt: Date }[] {
  const start = DateTime.fromISO(startDate, { zone: schedule.timeZone }).startOf("day");
  return schedule.checkIns.map((c) => {
    const local =
      "at" in c ? atClock(start, "18:00") : atClock(start.plus(Duration.fromISO(c.after)), "10:00");
    return {
      point: c.point,
      dueAt: endOfQuietHours(local.toJSDate(), schedule.quietHours, schedule.timeZone),
    };
  });
}

/** Idle-flow nudge times after the last activity (exact durations), quiet hours applied. */
export function idleNudgeTimes(lastActivity: Date, schedule: ProgrammeSchedule): Date[] {
  return schedule.idleNudges.map((offset) =>
    endOfQuietHours(
      new Date(lastActivity.getTime() + Duration.fromISO(offset).toMillis()),
      schedule.quietHours,
      schedule.timeZone,
    ),
  );
}
