/**
 * The handover settings that apply to a case: its programme's (office hours, working hours until
 * flagged, quiet time), or the defaults. A programme whose settings cannot be read still gets its
 * clients' requests through: the defaults apply and the bad value is for the operator to fix
 * (programme creation and the CLI report it as a ScheduleSettingsError).
 */
import {
  DEFAULT_HANDOVER_SETTINGS,
  type HandoverSettings,
  parseHandoverSettings,
} from "./handover-settings.ts";

/** Settings from a programme row (`timezone`, `settings`), or the defaults without one. */
export function handoverSettingsForCase(
  programme: { timezone: string; settings: unknown } | null,
  defaultTimeZone: string,
): HandoverSettings {
  const timeZone = programme?.timezone ?? defaultTimeZone;
  try {
    return parseHandoverSettings(programme?.settings, timeZone);
  } catch {
    return { timeZone, ...DEFAULT_HANDOVER_SETTINGS };
  }
}
