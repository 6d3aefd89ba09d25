/**
 * What will remind the client of an appointment, as the Nudge rows say (what Redis's timers
 * follow), and — when nothing will reach them — why, as a code the console puts into words.
 */
import { conversationForCase } from "../../conversation/proactive.ts";
import type { Appointment } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";

/** Why no reminder will reach the client. */
export type NoReminderReason =
  | "client_stopped"
  | "client_blocked"
  | "client_not_linked"
  | "too_close"
  | "already_sent"
  | "passed";

export interface ReminderPlan {
  /** Reminders still to come, earliest first; `offset` is the ISO duration before the appointment it stands for. */
  reminders: { dueAt: Date; offset: string }[];
  /** Set when no reminder will reach the client. */
  none?: NoReminderReason;
}

/** Why the bot cannot write to the case's client, or undefined when it can. */
export async function unreachableReason(db: Db, caseId: string): Promise<NoReminderReason | undefined> {
  const found = await conversationForCase(db, caseId);
  if (!("notSent" in found)) return undefined;
  if (found.notSent === "conversation opted_out") return "client_stopped";
  if (found.notSent === "conversation blocked") return "client_blocked";
  return "client_not_linked";
}

/** The plan of one scheduled appointment at `now`. */
export async function reminderPlan(db: Db, appointment: Appointment, now: Date): Promise<ReminderPlan> {
  const nudges = await db.nudge.findMany({
    where: { subjectId: appointment.id, kind: "appointment_reminder", status: { in: ["pending", "sent"] } },
    orderBy: { dueAt: "asc" },
    select: { jobId: true, dueAt: true, status: true },
  });
  const reminders = nudges
    .filter((n) => n.status === "pending")
    .map((n) => ({ dueAt: n.dueAt, offset: n.jobId.split(":").at(-1) ?? "" }));
  if (appointment.startsAt.getTime() <= now.getTime()) return { reminders: [], none: "passed" };
  const unreachable = await unreachableReason(db, appointment.caseId);
  if (unreachable) return { reminders, none: unreachable };
  if (reminders.length) return { reminders };
  return { reminders, none: nudges.length ? "already_sent" : "too_close" };
}
