/**
 * A programme's scheduling settings (Programme.settings JSON), parsed with defaults: time zone,
 * reminder offsets before appointments, quiet hours, retention check-in points, idle-flow nudges
 * and the months until applicants may legally work. Every setting is optional; unknown keys are
 * ignored (the same JSON holds other settings). A bad value is a ScheduleSettingsError naming it.
 */
import { IANAZone } from "luxon";
import { z } from "zod";

/**
 * Local "HH:MM" wall-clock times in the programme's zone. Quiet from `start` (included) to `end`
 * (excluded); when `end` is earlier than `start` the period wraps midnight (21:00–08:00).
 */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/**
 * A retention check-in after a placement starts, named by `point` (CheckIn.point, part of the
 * nudge's job id). `at: "evening"` is CHECK_IN_EVENING local on the start date; `after` is a
 * calendar duration (days, weeks, months, years) after the start date, at CHECK_IN_MORNING local.
 */
export type CheckInPoint =
  | { readonly point: string; readonly at: "evening" }
  | { readonly point: string; readonly after: string };

/** Local time of an `at: "evening"` check-in: after the first working day. */
export const CHECK_IN_EVENING = "18:00";
/** Local time of an `after` check-in. */
export const CHECK_IN_MORNING = "10:00";

/** How and when a programme nudges its clients. Read with parseProgrammeSchedule. */
export interface ProgrammeSchedule {
  /** IANA zone in which every wall-clock rule below is read (default: TZ_DEFAULT). */
  readonly timeZone: string;
  /**
   * ISO-8601 durations before an appointment, one reminder each. Days, weeks, months and years
   * keep the wall-clock time (P1D before 10:00 is 10:00 the day before, across a DST change too);
   * hours, minutes and seconds are exact (PT2H is 2 h of real time).
   */
  readonly reminderOffsets: readonly string[];
  /** No nudge is due inside these local hours; null: nudges may come at any time. */
  readonly quietHours: QuietHours | null;
  /** Retention check-ins after a placement starts. */
  readonly checkIns: readonly CheckInPoint[];
  /** Exact ISO-8601 durations of silence after which an unfinished flow is nudged, in order. */
  readonly idleNudges: readonly string[];
  /** Applicants for international protection: months from their application to legal access to work. */
  readonly legalAccessMonths: number;
}

/** The defaults for everything a programme does not set (the time zone comes from TZ_DEFAULT). */
export const DEFAULT_SCHEDULE: Omit<ProgrammeSchedule, "timeZone"> = Object.freeze({
  reminderOffsets: Object.freeze(["P1D", "PT2H"]),
  quietHours: Object.freeze({ start: "21:00", end: "08:00" }),
  checkIns: Object.freeze([
    { point: "first_day", at: "evening" },
    { point: "week_1", after: "P1W" },
    { point: "month_1", after: "P1M" },
    { point: "month_3", after: "P3M" },
    { point: "month_6", after: "P6M" },
  ] as const),
  idleNudges: Object.freeze(["PT24H", "PT72H"]),
  legalAccessMonths: 4,
});

/** A programme setting a person must fix. `path` names it (`settings.reminderOffsets[1]`). */
export class ScheduleSettingsError extends Error {
  override name = "ScheduleSettingsError";
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.path = path;
    this.problem = problem;
  }
}

/** The first issue of a programme's `settings` that did not parse, as the error naming its path. */
export function settingsErrorOf(error: z.ZodError): ScheduleSettingsError {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return new ScheduleSettingsError(`settings${path}`, issue?.message ?? "invalid");
}

/** Whole numbers only, no signs: P1D, PT2H, P1DT12H, P1W, P3M. */
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const CALENDAR_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;

const positiveDuration = z
  .string({ error: "an ISO-8601 duration such as PT2H" })
  .regex(ISO_DURATION, "an ISO-8601 duration such as PT2H")
  .refine((v) => /[1-9]/.test(v), "a duration longer than zero, such as PT2H");
const durations = (example: string) =>
  z.array(positiveDuration, { error: `a list of ISO-8601 durations such as ${example}` });
const clock = z
  .string({ error: "a local time such as 21:00" })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time such as 21:00");
const pointCode = z
  .string({ error: "a short code such as month_1" })
  .regex(/^[a-z0-9_]{1,40}$/, "a short code such as month_1");

const checkIn = z
  .object(
    {
      point: pointCode,
      at: z
        .literal("evening", { error: `"evening" (${CHECK_IN_EVENING} local on the start date)` })
        .optional(),
      after: z
        .string({ error: "days, weeks, months or years as an ISO-8601 duration such as P1M" })
        .regex(CALENDAR_DURATION, "days, weeks, months or years as an ISO-8601 duration such as P1M")
        .optional(),
    },
    { error: 'a check-in such as { "point": "month_1", "after": "P1M" }' },
  )
  .refine((c) => (c.at === undefined) !== (c.after === undefined), {
    error: 'either "at": "evening" or "after": a duration such as P1M (one of the two)',
  })
  .transform(
    (c): CheckInPoint => (c.at ? { point: c.point, at: c.at } : { point: c.point, after: c.after ?? "" }),
  );

/** Zones found valid once (each check builds an Intl.DateTimeFormat; every turn parses the settings). */
const validZones = new Set<string>();
const isZone = (zone: string): boolean =>
  validZones.has(zone) || (IANAZone.isValidZone(zone) && validZones.add(zone).size > 0);

const schema = z.object(
  {
    timeZone: z
      .string({ error: "an IANA time zone such as Europe/Brussels" })
      .refine(isZone, "an IANA time zone such as Europe/Brussels")
      .optional(),
    reminderOffsets: durations('["P1D", "PT2H"]').optional(),
    quietHours: z
      .object(
        { start: clock, end: clock },
        { error: 'local hours such as { "start": "21:00", "end": "08:00" }, or null' },
      )
      .refine((q) => q.start !== q.end, "start and end must differ (null means no quiet hours)")
      .nullable()
      .optional(),
    checkIns: z
      .array(checkIn, { error: "a list of check-ins" })
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, index) => {
          if (seen.has(c.point)) {
            ctx.addIssue({ code: "custom", path: [index, "point"], message: `"${c.point}" appears twice` });
          }
          seen.add(c.point);
        });
      })
      .optional(),
    idleNudges: durations('["PT24H", "PT72H"]').optional(),
    legalAccessMonths: z
      .number({ error: "a whole number of months from 0 to 24" })
      .int("a whole number of months from 0 to 24")
      .min(0, "a whole number of months from 0 to 24")
      .max(24, "a whole number of months from 0 to 24")
      .optional(),
  },
  { error: "an object of programme settings" },
);

/**
 * Reads a programme's `settings` JSON (null or undefined: all defaults) with `defaultTimeZone`
 * (TZ_DEFAULT) as the zone unless it names one. Throws ScheduleSettingsError for the first bad value.
 */
export function parseProgrammeSchedule(settings: unknown, defaultTimeZone: string): ProgrammeSchedule {
  const result = schema.safeParse(settings ?? {});
  if (!result.success) throw settingsErrorOf(result.error);
  const s = result.data;
  return {
    timeZone: s.timeZone ?? defaultTimeZone,
    reminderOffsets: s.reminderOffsets ?? DEFAULT_SCHEDULE.reminderOffsets,
    quietHours: s.quietHours === undefined ? DEFAULT_SCHEDULE.quietHours : s.quietHours,
    checkIns: s.checkIns ?? DEFAULT_SCHEDULE.checkIns,
    idleNudges: s.idleNudges ?? DEFAULT_SCHEDULE.idleNudges,
    legalAccessMonths: s.legalAccessMonths ?? DEFAULT_SCHEDULE.legalAccessMonths,
  };
}
