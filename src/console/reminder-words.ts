/**
 * A reminder plan in words, in the staff member's language and the programme's local time:
 * "Reminder tomorrow at 10:00 and 2 hours before", or why none will be sent ("too close to the
 * appointment", "the client has stopped messages").
 */
import { DateTime, Duration } from "luxon";
import type { ReminderPlan } from "../domain/appointments/reminder-plan.ts";
import { formatList } from "../i18n/list-format.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

/** One reminder: "2 hours before" when it is exactly that, else "tomorrow at 10:00". */
function oneReminder(
  reminder: { dueAt: Date; offset: string },
  startsAt: Date,
  at: { locale: string; zone: string; now: Date; t: T },
): string {
  const offset = Duration.fromISO(reminder.offset);
  const exact = offset.isValid && offset.years + offset.months + offset.weeks + offset.days === 0;
  if (exact && startsAt.getTime() - reminder.dueAt.getTime() === offset.toMillis())
    return at.t("reminder_before", { duration: offset.reconfigure({ locale: at.locale }).toHuman() });
  const due = DateTime.fromJSDate(reminder.dueAt, { zone: at.zone }).setLocale(at.locale);
  const today = DateTime.fromJSDate(at.now, { zone: at.zone }).startOf("day");
  const days = Math.round(due.startOf("day").diff(today, "days").days);
  const time = due.toFormat("HH:mm");
  if (days === 0) return at.t("reminder_today_at", { time });
  if (days === 1) return at.t("reminder_tomorrow_at", { time });
  return at.t("reminder_on_at", { date: due.toFormat("cccc d LLLL"), time });
}

/** The whole plan as one line. */
export function reminderWords(
  plan: ReminderPlan,
  startsAt: Date,
  at: { locale: string; zone: string; now: Date; t: T },
): string {
  if (plan.none) return at.t(`reminder_none_${plan.none}`);
  const list = formatList(
    plan.reminders.map((r) => oneReminder(r, startsAt, at)),
    at.locale,
  );
  return at.t("reminder_plan", { list, count: plan.reminders.length });
}
