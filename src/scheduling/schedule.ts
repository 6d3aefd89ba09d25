/**
 * When nudges are due: appointment reminders, retention check-ins and idle-flow nudges, with
 * quiet hours. Pure: the time (`now`) and the settings come in, UTC instants (JS Dates) go out.
 *
 * Rules, all read in the programme's time zone:
 * - Whole calendar units (P1D, P1W, P1M) keep the local wall-clock time: "P1D before Monday 10:00"
 *   is Sunday 10:00, even when the clocks changed in between (then it is 23 or 25 real hours).
 *   We chose this because people remember "the same time yesterday", not "24 hours ago". Hours,
 *   minutes and seconds (PT2H, PT24H) are exact real time. A mixed offset (P1DT2H) does the days
 *   first, then the exact part. A wall-clock time that does not exist (inside the spring gap)
 *   moves forward by the gap, as luxon does.
 * - Quiet hours are [start, end) in local time, wrapping midnight when end < start. A nudge due
 *   inside them moves to their end. A reminder whose end of quiet hours is at or after the
 *   appointment moves back to the start of that quiet period instead (21:00 the evening before an
 *   07:30 appointment: the last moment it can be sent before the client sleeps); the start
 *   instant itself counts as quiet for isQuiet, but this fallback is sent there on purpose.
 */
import { DateTime, Duration } from "luxon";
import {
  CHECK_IN_EVENING,
  CHECK_IN_MORNING,
  type ProgrammeSchedule,
  type QuietHours,
} from "./programme-schedule.ts";

/** A planned appointment reminder: which offset it is for (its job id) and when it is due. */
export interface ReminderTime {
  offset: string;
  dueAt: Date;
}

/** A planned retention check-in: the point (CheckIn.point) and when it is due. */
export interface CheckInTime {
  point: string;
  dueAt: Date;
}

function inZone(at: Date, timeZone: string): DateTime {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Cannot read ${String(at)} in time zone "${timeZone}"`);
  return local;
}

function minutesOf(clock: string): number {
  const [hour, minute] = clock.split(":").map(Number);
  return (hour ?? 0) * 60 + (minute ?? 0);
}

/** The same local day at `clock` ("HH:MM"). */
function atClock(day: DateTime, clock: string): DateTime {
  const [hour, minute] = clock.split(":").map(Number);
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
}

/** Whether `at` falls inside quiet hours (start included, end excluded) in `timeZone`. */
export function isQuiet(at: Date, quietHours: QuietHours | null, timeZone: string): boolean {
  if (!quietHours) return false;
  const local = inZone(at, timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The end of the quiet period `at` is in: the first moment a nudge may be sent; `at` itself when not quiet. */
export function endOfQuietHours(at: Date, quietHours: QuietHours | null, timeZone: string): Date {
  if (!quietHours || !isQuiet(at, quietHours, timeZone)) return at;
  const local = inZone(at, timeZone);
  let end = atClock(local, quietHours.end);
  if (end <= local) end = atClock(local.plus({ days: 1 }), quietHours.end);
  return end.toJSDate();
}

/** The start of the quiet period `at` is in (21:00 the evening before, for 05:30); `at` itself when not quiet. */
export function startOfQuietHours(at: Date, quietHours: QuietHours | null, timeZone: string): Date {
  if (!quietHours || !isQuiet(at, quietHours, timeZone)) return at;
  const local = inZone(at, timeZone);
  let start = atClock(local, quietHours.start);
  if (start > local) start = atClock(local.minus({ days: 1 }), quietHours.start);
  return start.toJSDate();
}

/** `at` minus an ISO duration: calendar units on the wall clock first, then the exact part. */
function before(at: DateTime, offset: string): DateTime {
  const d = Duration.fromISO(offset);
  if (!d.isValid) throw new RangeError(`Not an ISO-8601 duration: "${offset}"`);
  return at
    .minus({ years: d.years, months: d.months, weeks: d.weeks, days: d.days })
    .minus({ hours: d.hours, minutes: d.minutes, seconds: d.seconds, milliseconds: d.milliseconds });
}

/**
 * Where a reminder due at `due` goes with quiet hours: itself, the end of quiet hours, or (when
 * that is not before the appointment) the start of the same quiet period; undefined when even
 * that is not before the appointment.
 */
function placeReminder(due: Date, startsAt: Date, schedule: ProgrammeSchedule): Date | undefined {
  const { quietHours, timeZone } = schedule;
  if (!isQuiet(due, quietHours, timeZone)) return due;
  const end = endOfQuietHours(due, quietHours, timeZone);
  if (end < startsAt) return end;
  const start = startOfQuietHours(due, quietHours, timeZone);
  return start < startsAt ? start : undefined;
}

/**
 * The reminders of an appointment starting at `startsAt`, sorted by due time: one per offset,
 * quiet hours applied (see the rules above), those due before `now` dropped. When two offsets land
 * on the same instant only one is kept: the one furthest before the appointment (the first listed
 * on a tie), so its offset names the reminder's job id.
 */
export function reminderTimes(startsAt: Date, schedule: ProgrammeSchedule, now: Date): ReminderTime[] {
  const appointment = inZone(startsAt, schedule.timeZone);
  const byInstant = new Map<number, ReminderTime & { span: number }>();
  for (const offset of schedule.reminderOffsets) {
    const unmoved = before(appointment, offset).toJSDate();
    const dueAt = placeReminder(unmoved, startsAt, schedule);
    if (!dueAt || dueAt < now) continue;
    const span = startsAt.getTime() - unmoved.getTime();
    const kept = byInstant.get(dueAt.getTime());
    if (!kept || span > kept.span) byInstant.set(dueAt.getTime(), { offset, dueAt, span });
  }
  return [...byInstant.values()]
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
    .map(({ offset, dueAt }) => ({ offset, dueAt }));
}

/**
 * The check-ins of a placement starting on `startDate` (yyyy-mm-dd, a local calendar date), in the
 * programme's order: "evening" at 18:00 local that day, `after` at 10:00 local on the start date
 * plus the duration (31 January + P1M is 28 February), moved to the end of quiet hours when quiet.
 * Every point is returned, past ones too: the caller decides what a late-recorded placement skips.
 * `now` is not used today; it is taken so every schedule function reads the same way.
 */
export function checkInTimes(startDate: string, schedule: ProgrammeSchedule, _now: Date): CheckInTime[] {
  const start = DateTime.fromFormat(startDate, "yyyy-MM-dd", { zone: schedule.timeZone });
  if (!start.isValid) throw new RangeError(`A placement start date must be yyyy-mm-dd, not "${startDate}"`);
  return schedule.checkIns.map((c) => {
    const local =
      "at" in c
        ? atClock(start, CHECK_IN_EVENING)
        : atClock(start.plus(Duration.fromISO(c.after)), CHECK_IN_MORNING);
    return {
      point: c.point,
      dueAt: endOfQuietHours(local.toJSDate(), schedule.quietHours, schedule.timeZone),
    };
  });
}

/**
 * The idle-flow nudges after `lastActivity`: one per `idleNudges` duration, in that order (the
 * index names the job), each exactly that long after it and moved to the end of quiet hours.
 */
export function idleNudgeTimes(lastActivity: Date, schedule: ProgrammeSchedule): Date[] {
  return schedule.idleNudges.map((offset) =>
    endOfQuietHours(
      new Date(lastActivity.getTime() + Duration.fromISO(offset).toMillis()),
      schedule.quietHours,
      schedule.timeZone,
    ),
  );
}
