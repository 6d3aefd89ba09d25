/**
 * A programme's scheduling settings (Programme.settings JSON), parsed with defaults: time zone,
 * reminder offsets before appointments, quiet hours, retention check-in points, idle-flow nudges
 * and the months until applicants may legally work. Unknown keys are ignored.
 */
import { Duration, IANAZone } from "luxon";
import { z } from "zod";

/** Local "HH:MM" times; the period may wrap midnight (21:00–08:00). */
export interface QuietHours {
  start: string;
  end: string;
}

/** A retention check-in: "evening" of the start date (18:00 local), or a duration after it (10:00 local). */
export type CheckInPoint = { point: string; at: "evening" } | { point: string; after: string };

export interface ProgrammeSchedule {
  timeZone: string;
  /** ISO-8601 durations before an appointment. Whole days keep the wall-clock time. */
  reminderOffsets: string[];
  /** No nudges inside these hours (local); null: none. */
  quietHours: QuietHours | null;
  checkIns: CheckInPoint[];
  /** ISO-8601 durations of silence after which an unfinished flow is nudged. */
  idleNudges: string[];
  legalAccessMonths: number;
}

export const DEFAULT_SCHEDULE: Omit<ProgrammeSchedule, "timeZone"> = {
  reminderOffsets: ["P1D", "PT2H"],
  quietHours: { start: "21:00", end: "08:00" },
  checkIns: [
    { point: "first_day", at: "evening" },
    { point: "week_1", after: "P1W" },
    { point: "month_1", after: "P1M" },
    { point: "month_3", after: "P3M" },
    { point: "month_6", after: "P6M" },
  ],
  idleNudges: ["PT24H", "PT72H"],
  legalAccessMonths: 4,
};

export class ScheduleSettingsError extends Error {
  override name = "ScheduleSettingsError";
}

const duration = z.string().refine((v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() > 0, {
  message: "an ISO-8601 duration such as PT2H",
});
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time such as 21:00");

const schema = z.object({
  timeZone: z
    .string()
    .refine((v) => IANAZone.isValidZone(v), "an IANA time zone such as Europe/Brussels")
    .optional(),
  reminderOffsets: z.array(duration).optional(),
  quietHours: z.object({ start: clock, end: clock }).nullable().optional(),
  checkIns: z
    .array(
      z.union([
        z.object({
          point: z.string().regex(/^[a-z0-9_]+$/, "a short code such as month_1"),
          at: z.literal("evening"),
        }),
        z.object({
          point: z.string().regex(/^[a-z0-9_]+$/, "a short code such as month_1"),
          after: duration,
        }),
      ]),
    )
    .optional(),
  idleNudges: z.array(duration).optional(),
  legalAccessMonths: z.number().int().min(0).max(24).optional(),
});

/** Parses `settings` (unknown keys ignored); throws ScheduleSettingsError naming the setting. */
export function parseProgrammeSchedule(settings: unknown, defaultTimeZone: string): ProgrammeSchedule {
  const source = settings && typeof settings === "object" ? settings : {};
  const result = schema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? [])
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("");
    throw new ScheduleSettingsError(`settings${path}: ${issue?.message ?? "invalid"}`);
  }
  const s = result.data;
  return {
    timeZone: s.timeZone ?? defaultTimeZone,
    reminderOffsets: s.reminderOffsets ?? DEFAULT_SCHEDULE.reminderOffsets,
    quietHours: s.quietHours === undefined ? DEFAULT_SCHEDULE.quietHours : s.quietHours,
    checkIns: (s.checkIns as CheckInPoint[] | undefined) ?? DEFAULT_SCHEDULE.checkIns,
    idleNudges: s.idleNudges ?? DEFAULT_SCHEDULE.idleNudges,
    legalAccessMonths: s.legalAccessMonths ?? DEFAULT_SCHEDULE.legalAccessMonths,
  };
}
