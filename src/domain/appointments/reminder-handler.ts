/**
 * The appointment-reminder nudge: at firing time, send only if the appointment is still
 * scheduled and still ahead.
 */
import type { NudgeHandler } from "../../scheduling/nudge-worker.ts";
import { reminderMessage } from "./appointment-messages.ts";

/** Builds the handler; `timeZoneOf` gives the programme's zone for a case. */
export function appointmentReminderHandler(defaultTimeZone: string): NudgeHandler {
  return {
    async decide(tx, nudge, now) {
      const appointment = await tx.appointment.findUnique({
        where: { id: nudge.subjectId },
        include: { case: { select: { status: true, programme: { select: { timezone: true } } } } },
      });
      if (!appointment) return { skip: "appointment gone" };
      if (appointment.status === "cancelled") return { skip: "appointment cancelled" };
      if (appointment.case.status === "closed") return { skip: "case closed" };
      if (appointment.startsAt.getTime() <= now.getTime()) return { skip: "appointment passed" };
      return {
        outputs: [reminderMessage(appointment, appointment.case.programme?.timezone ?? defaultTimeZone)],
      };
    },
  };
}
