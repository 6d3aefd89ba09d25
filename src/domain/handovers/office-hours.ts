/**
 * Office hours as time: whether staff are at work now, when they next are, when N working hours
 * have passed, and how the hours read to a client ("Monday–Friday, 09:00–17:00") in their own
 * language (weekday names from the translator: Intl, or our own names for Romani).
 */
import { DateTime } from "luxon";
import type { Translator } from "../../i18n/translator.ts";
import type { OfficeHours } from "./handover-settings.ts";

/** Days looked ahead for the next opening (a programme with office hours opens within a week). */
const MAX_DAYS = 14;

/** The local wall-clock time `clock` ("09:00") on the day of `day` (right across DST changes too). */
function wallClock(day: DateTime, clock: string): DateTime {
  const [hour, minute] = clock.split(":").map(Number);
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
}

/** The office period of the local day of `day`, or undefined when the office is closed that day. */
function periodOn(hours: OfficeHours, day: DateTime): { start: DateTime; end: DateTime } | undefined {
  if (!hours.days.includes(day.weekday)) return undefined;
  return { start: wallClock(day, hours.open), end: wallClock(day, hours.close) };
}

/** Whether `at` falls inside office hours in `zone`. */
export function inOfficeHours(hours: OfficeHours, zone: string, when: Date): boolean {
  const local = DateTime.fromJSDate(when, { zone });
  const period = periodOn(hours, local);
  return period !== undefined && local >= period.start && local < period.end;
}

/** When office hours next begin after `at` (`at` itself when they are on now). */
export function nextOpening(hours: OfficeHours, zone: string, when: Date): Date {
  const local = DateTime.fromJSDate(when, { zone });
  for (let offset = 0; offset <= MAX_DAYS; offset++) {
    const period = periodOn(hours, local.plus({ days: offset }));
    if (!period || local >= period.end) continue;
    // biome-ignore lint/complexity/useMathMinMax: luxon DateTimes (Math.max would give a number)
    return (local > period.start ? local : period.start).toJSDate();
  }
  return when;
}

/** The moment `workingHours` of office time have passed since `from` (counting only office hours). */
export function afterWorkingHours(hours: OfficeHours, zone: string, from: Date, workingHours: number): Date {
  let left = workingHours * 60;
  const cursor = DateTime.fromJSDate(from, { zone });
  for (let offset = 0; offset <= MAX_DAYS * 10; offset++) {
    const day = cursor.plus({ days: offset });
    const period = periodOn(hours, day);
    if (!period) continue;
    const start = offset === 0 && cursor > period.start ? cursor : period.start;
    if (start >= period.end) continue;
    const available = period.end.diff(start, "minutes").minutes;
    if (available >= left) return start.plus({ minutes: left }).toJSDate();
    left -= available;
  }
  return cursor.plus({ hours: workingHours }).toJSDate();
}

/**
 * U+2060 WORD JOINER, after a range's dash: a line may break after "–" (so "9:00–" ended one line
 * of a Bulgarian message on a phone and "17:00" began the next); with it the range stays whole.
 */
export const RANGE_JOINER = "\u2060";

/** "Monday–Friday" or "Monday, Wednesday and Friday": consecutive weekdays as one range. */
export function describeDays(days: readonly number[], locale: string, translator: Translator): string {
  const runs: number[][] = [];
  for (const day of [...days].sort()) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  const name = (day: number) => translator.weekdayName(day, locale);
  const parts = runs.flatMap((run) =>
    run.length >= 3
      ? [`${name(run[0] as number)}–${RANGE_JOINER}${name(run.at(-1) as number)}`]
      : run.map(name),
  );
  return translator.formatList(parts, locale);
}

/**
 * The params the client's office-hours messages take: `days`, `open`, `close` (which follows the
 * range's dash in every language, so it starts with RANGE_JOINER). The hours are written as the
 * language writes every time (translator.formatTime), as in the date of the next opening beside them.
 */
export function officeHoursParams(
  hours: OfficeHours,
  locale: string,
  translator: Translator,
): { days: string; open: string; close: string } {
  return {
    days: describeDays(hours.days, locale, translator),
    open: translator.formatTime(hours.open, locale),
    close: `${RANGE_JOINER}${translator.formatTime(hours.close, locale)}`,
  };
}
