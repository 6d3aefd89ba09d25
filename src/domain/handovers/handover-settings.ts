/**
 * A programme's handover settings (keys of Programme.settings, next to the schedule's): the
 * office hours its staff answer in, how many working hours a handover may wait before the
 * coordinator sees it flagged, and how long an answered conversation stays with a person after
 * the last message before it goes back to the bot. Every key is optional; a bad value is a
 * ScheduleSettingsError naming it (the same error as the schedule's settings).
 */
import { Duration } from "luxon";
import { z } from "zod";
import { ScheduleSettingsError, settingsErrorOf } from "../../scheduling/programme-schedule.ts";

/** When staff answer: ISO weekdays (1 Monday … 7 Sunday) and local "HH:MM" hours, in `timeZone`. */
export interface OfficeHours {
  readonly days: readonly number[];
  readonly open: string;
  readonly close: string;
}

/** How a programme's handovers behave. Read with parseHandoverSettings. */
export interface HandoverSettings {
  readonly timeZone: string;
  readonly officeHours: OfficeHours;
  /** Working hours (inside office hours) after which an unanswered handover is flagged. */
  readonly unansweredAfterHours: number;
  /** ISO-8601 duration of silence after which an answered handover goes back to the bot. */
  readonly quietTime: string;
}

/** The defaults for everything a programme does not set. */
export const DEFAULT_HANDOVER_SETTINGS: Omit<HandoverSettings, "timeZone"> = Object.freeze({
  officeHours: Object.freeze({ days: Object.freeze([1, 2, 3, 4, 5]), open: "09:00", close: "17:00" }),
  unansweredAfterHours: 4,
  quietTime: "PT24H",
});

const clock = z
  .string({ error: "a local time such as 09:00" })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a local time such as 09:00");

const schema = z.object({
  officeHours: z
    .object(
      {
        days: z
          .array(z.number().int().min(1).max(7), { error: "ISO weekdays, 1 (Monday) to 7 (Sunday)" })
          .min(1, "at least one weekday")
          .optional(),
        open: clock.optional(),
        close: clock.optional(),
      },
      { error: 'office hours such as { "days": [1,2,3,4,5], "open": "09:00", "close": "17:00" }' },
    )
    .optional(),
  handoverUnansweredHours: z
    .number({ error: "a whole number of working hours from 1 to 80" })
    .int("a whole number of working hours from 1 to 80")
    .min(1, "a whole number of working hours from 1 to 80")
    .max(80, "a whole number of working hours from 1 to 80")
    .optional(),
  handoverQuietTime: z
    .string({ error: "an ISO-8601 duration such as PT24H" })
    .refine((v) => Duration.fromISO(v).isValid && Duration.fromISO(v).toMillis() > 0, {
      error: "an ISO-8601 duration longer than zero, such as PT24H",
    })
    .optional(),
});

/** Reads the handover keys of a programme's `settings` JSON; other keys are ignored. */
export function parseHandoverSettings(settings: unknown, timeZone: string): HandoverSettings {
  const result = schema.safeParse(settings ?? {});
  if (!result.success) throw settingsErrorOf(result.error);
  const s = result.data;
  const hours = { ...DEFAULT_HANDOVER_SETTINGS.officeHours, ...s.officeHours };
  if (hours.open >= hours.close)
    throw new ScheduleSettingsError("settings.officeHours", "open must be earlier than close");
  return {
    timeZone,
    officeHours: { days: [...new Set(hours.days)].sort(), open: hours.open, close: hours.close },
    unansweredAfterHours: s.handoverUnansweredHours ?? DEFAULT_HANDOVER_SETTINGS.unansweredAfterHours,
    quietTime: s.handoverQuietTime ?? DEFAULT_HANDOVER_SETTINGS.quietTime,
  };
}
