/**
 * Dates and times for people: "Tuesday 3 February, 14:30" in their language and time zone, always
 * with a 24-hour clock. The shape of the sentence comes from the locale's `calendar.json`
 * (`date_time`); month and weekday names come from Intl (through luxon) for languages Intl knows,
 * and from `calendar.json` for those it does not (Romani), where that file is the only source.
 * Every client language's `calendar.json` says how it writes a time of day (`time`: Bulgarian
 * "9:00", the others "09:00"; docs/decisions/0025), and every time of its messages is written that
 * way, here and nowhere else: in dates, office hours, quick replies, visit slots.
 */
import { DateTime } from "luxon";
import type { LocaleMessages } from "./locale-files.ts";

/** The zone used when a caller gives none or an unknown one (DESIGN.md: `TZ_DEFAULT`). */
export const DEFAULT_TIME_ZONE = "Europe/Brussels";

/** A locale's `calendar.json`: twelve months from January, seven weekdays from Monday, a pattern. */
export interface CalendarNames {
  months: readonly string[];
  weekdays: readonly string[];
  /** With `{{weekday}}`, `{{day}}`, `{{month}}` and `{{time}}`. */
  dateTime: string;
  /** A calendar date without time, with `{{day}}`, `{{month}}`, `{{year}}` (and `{{weekday}}`). */
  date: string;
  /**
   * How the language writes a time of day, with `{{hour}}` (9), `{{hh}}` (09) and `{{minute}}` (05):
   * every time of its messages, in a date or alone. The locale check asks every client language for it.
   */
  time: string;
}

/** The time of a calendar.json without a valid `time` (the check reports it): "09:05". */
export const DEFAULT_TIME_PATTERN = "{{hh}}:{{minute}}";

/** What is wrong with a `time` pattern of calendar.json, or undefined when it is fine. */
export function timePatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== "string") return '"time" must be a string such as "{{hour}}:{{minute}}"';
  if (!/\{\{(hour|hh)\}\}/.test(pattern) || !pattern.includes("{{minute}}"))
    return '"time" needs {{hour}} or {{hh}}, and {{minute}}';
  return undefined;
}

/** `hour`:`minute` written with `pattern` (see CalendarNames.time). */
export function formatClockWith(hour: number, minute: number, pattern: string): string {
  const parts: Record<string, string> = {
    hour: String(hour),
    hh: twoDigits(hour),
    minute: twoDigits(minute),
  };
  return pattern.replace(/\{\{(hour|hh|minute)\}\}/g, (_, name: string) => parts[name] ?? "");
}

/** Reads a locale's calendar.json; undefined when it is missing or malformed. */
export function readCalendar(messages: LocaleMessages | undefined): CalendarNames | undefined {
  const { months, weekdays, date_time: dateTime, date, time } = messages ?? {};
  const names = (value: unknown, length: number): value is string[] =>
    Array.isArray(value) && value.length === length && value.every((v) => typeof v === "string" && v !== "");
  if (!names(months, 12) || !names(weekdays, 7) || typeof dateTime !== "string") return undefined;
  return {
    months,
    weekdays,
    dateTime,
    date: typeof date === "string" ? date : "{{day}} {{month}} {{year}}",
    time: timePatternProblem(time) === undefined ? (time as string) : DEFAULT_TIME_PATTERN,
  };
}

/** Whether Intl has month and weekday names for `locale` (false for Romani). */
export function intlKnowsDates(locale: string): boolean {
  return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
}

/**
 * Formats `date` in `timeZone` with `calendar`'s pattern; names from Intl when it knows `locale`,
 * else from `calendar`. Never throws: an unknown zone falls back to Brussels, an invalid date gives "".
 */
export function formatDateTimeWith(
  date: Date,
  locale: string,
  timeZone: string,
  calendar: CalendarNames,
  pattern: string = calendar.dateTime,
): string {
  let local = DateTime.fromJSDate(date, { zone: timeZone });
  if (!local.isValid) local = DateTime.fromJSDate(date, { zone: DEFAULT_TIME_ZONE });
  if (!local.isValid) return "";
  const useIntl = intlKnowsDates(locale);
  const named = local.setLocale(locale);
  const parts: Record<string, string> = {
    weekday: useIntl ? named.toFormat("cccc") : (calendar.weekdays[local.weekday - 1] ?? ""),
    day: String(local.day),
    month: useIntl ? named.toFormat("MMMM") : (calendar.months[local.month - 1] ?? ""),
    year: String(local.year),
    time: formatClockWith(local.hour, local.minute, calendar.time),
  };
  return pattern.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => parts[name] ?? whole);
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}
