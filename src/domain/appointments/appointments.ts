/**
 * Appointments a counsellor sets, moves and cancels. Each change plans the reminders (Nudge rows
 * with deterministic job ids, so a move replaces them and a cancel removes them), tells the client
 * through the outbox, and — after the transaction — sets the Redis timers to match.
 */
import type { Queue } from "bullmq";
import { DateTime } from "luxon";
import { z } from "zod";
import { writeToCaseClient } from "../../conversation/proactive.ts";
import type { Output } from "../../engine/types.ts";
import type { Appointment, AppointmentPurpose } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { OutboxPort } from "../../outbox/outbox.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { cancelNudges, planNudges, syncTimers } from "../../scheduling/nudge-store.ts";
import { parseProgrammeSchedule } from "../../scheduling/programme-schedule.ts";
import { reminderTimes } from "../../scheduling/schedule.ts";
import { BY_LAST_USE } from "../../store/conversation-to-write.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { oncePerKey } from "../once-per-key.ts";
import { cancelledMessage, movedMessage, newAppointmentMessage } from "./appointment-messages.ts";
import { bringDocumentsSchema, bringNotesSchema } from "./bring-documents.ts";
import { mapUrlSchema } from "./map-url.ts";

export interface AppointmentDeps {
  db: Db;
  queue: Queue<NudgeJobData>;
  translator: Translator;
  outbox: OutboxPort;
  /** TZ_DEFAULT, for programmes without their own zone. */
  defaultTimeZone: string;
  now?: () => Date;
}

/** What an appointment is for, in the order forms list them. */
export const APPOINTMENT_PURPOSES = [
  "intake",
  "orientation",
  "training",
  "job_interview",
  "company_visit",
] as const;
const PURPOSES = APPOINTMENT_PURPOSES;

const details = z.object({
  /** Local time in the programme's zone ("2027-03-29 10:00"), or ISO-8601 with an offset. */
  at: z.string().min(1, "is required"),
  location: z.string().trim().min(3, "needs an address").max(200),
  mapUrl: mapUrlSchema.optional(),
  withWhom: z.string().trim().min(1, "is required").max(100),
  purpose: z.enum(PURPOSES, { error: `must be one of ${PURPOSES.join(", ")}` }),
  /** Document codes (bring-documents.ts); shown in the client's language. */
  bringDocuments: bringDocumentsSchema.optional(),
  /** An optional note per client language. */
  bringNotes: bringNotesSchema.optional(),
});

/** Reads "2027-03-29 10:00" in `zone` (or an ISO string with an offset). */
export function parseLocalTime(at: string, zone: string): Date {
  const text = at.trim().replace(" ", "T");
  const parsed = /[zZ]|[+-]\d\d:?\d\d$/.test(text)
    ? DateTime.fromISO(text, { setZone: true })
    : DateTime.fromISO(text, { zone });
  if (!parsed.isValid)
    throw new DomainError(`Invalid time "${at}": use YYYY-MM-DD HH:MM (local time).`, {
      code: "invalid_time",
    });
  return parsed.toJSDate();
}

async function caseSchedule(tx: DbClient, caseId: string, defaultTimeZone: string) {
  const found = await tx.case.findUnique({
    where: { id: caseId },
    select: { id: true, status: true, programme: { select: { timezone: true, settings: true } } },
  });
  if (!found) throw new DomainError(`No case with id ${caseId}.`);
  if (found.status === "closed") throw new DomainError(`Case ${caseId} is closed.`, { code: "case_closed" });
  const settings = {
    timeZone: found.programme?.timezone ?? defaultTimeZone,
    ...((found.programme?.settings as object) ?? {}),
  };
  return parseProgrammeSchedule(settings, defaultTimeZone);
}

/** The reminders of an appointment as nudge plans. */
async function reminderPlans(
  tx: DbClient,
  appointment: Appointment,
  deps: Pick<AppointmentDeps, "defaultTimeZone" | "now">,
) {
  const schedule = await caseSchedule(tx, appointment.caseId, deps.defaultTimeZone);
  const now = deps.now?.() ?? new Date();
  const conversation = await tx.conversation.findFirst({
    where: { client: { cases: { some: { id: appointment.caseId } } } },
    orderBy: BY_LAST_USE,
    select: { id: true },
  });
  return {
    schedule,
    plans: reminderTimes(appointment.startsAt, schedule, now).map((r) => ({
      jobId: `reminder:${appointment.id}:${r.offset}`,
      kind: "appointment_reminder" as const,
      conversationId: conversation?.id ?? null,
      caseId: appointment.caseId,
      subjectId: appointment.id,
      dueAt: r.dueAt,
    })),
  };
}

/** The programme's schedule and `at` read in its zone; an appointment is never set in the past. */
async function futureStart(deps: AppointmentDeps, caseId: string, at: string) {
  const schedule = await caseSchedule(deps.db, caseId, deps.defaultTimeZone);
  const startsAt = parseLocalTime(at, schedule.timeZone);
  if (startsAt.getTime() <= (deps.now?.() ?? new Date()).getTime())
    throw new DomainError("The appointment is in the past.", { code: "appointment_in_past" });
  return { schedule, startsAt };
}

/** In the transaction: the appointment's reminders planned, and the client's notice written. */
async function remindAndTell(
  tx: DbClient,
  deps: AppointmentDeps,
  appointment: Appointment,
  notice: { output: Output; idempotencyKey: string },
): Promise<{ jobIds: string[]; messageIds: bigint[] }> {
  const { plans } = await reminderPlans(tx, appointment, deps);
  const jobIds = await planNudges(tx, [appointment.id], plans);
  const told = await writeToCaseClient(tx, deps, {
    caseId: appointment.caseId,
    outputs: [notice.output],
    idempotencyKey: notice.idempotencyKey,
  });
  return { jobIds, messageIds: "messageIds" in told ? told.messageIds : [] };
}

async function finish(deps: AppointmentDeps, jobIds: string[], messageIds: bigint[]): Promise<void> {
  await syncTimers(deps.db, deps.queue, jobIds, deps.now?.());
  if (messageIds.length) await deps.outbox.dispatch(messageIds);
}

type NewAppointment = { caseId: string } & z.input<typeof details>;

/** Creates an appointment, plans its reminders and tells the client (`idempotencyKey`: see createAppointmentOnce). */
export async function createAppointment(
  deps: AppointmentDeps,
  input: NewAppointment,
  idempotencyKey?: string,
): Promise<Appointment> {
  const data = parseInput(details, input);
  const { schedule, startsAt } = await futureStart(deps, input.caseId, data.at);
  let jobIds: string[] = [];
  let messageIds: bigint[] = [];
  const appointment = await deps.db.$transaction(async (tx) => {
    const created = await tx.appointment.create({
      data: {
        caseId: input.caseId,
        startsAt,
        location: data.location,
        withWhom: data.withWhom,
        purpose: data.purpose as AppointmentPurpose,
        ...(data.mapUrl ? { mapUrl: data.mapUrl } : {}),
        bringDocuments: data.bringDocuments ?? [],
        bringNotes: data.bringNotes ?? {},
        idempotencyKey: idempotencyKey ?? null,
      },
    });
    ({ jobIds, messageIds } = await remindAndTell(tx, deps, created, {
      output: newAppointmentMessage(created, schedule.timeZone),
      idempotencyKey: `appt-created:${created.id}`,
    }));
    return created;
  });
  await finish(deps, jobIds, messageIds);
  return appointment;
}

/**
 * createAppointment for a console form's submission (or a retried call): one appointment, and one
 * notice to the client, per `idempotencyKey`, which the caller scopes to the case. The same key
 * again — at once, or racing the first — creates nothing and returns the first one's appointment.
 */
export async function createAppointmentOnce(
  deps: AppointmentDeps,
  input: NewAppointment,
  idempotencyKey: string,
): Promise<Appointment> {
  return oncePerKey(
    () => deps.db.appointment.findUnique({ where: { idempotencyKey } }),
    () => createAppointment(deps, input, idempotencyKey),
  );
}

/**
 * Creates an appointment inside a transaction the caller owns (a company-visit slot a client
 * booked in their turn) and plans its reminders. The caller tells the client, and sets the timers
 * of the returned job ids after the commit.
 */
export async function createAppointmentIn(
  tx: DbClient,
  deps: Pick<AppointmentDeps, "defaultTimeZone" | "now">,
  data: Pick<Appointment, "caseId" | "startsAt" | "location" | "withWhom" | "purpose" | "mapUrl">,
): Promise<{ appointment: Appointment; jobIds: string[]; timeZone: string }> {
  const appointment = await tx.appointment.create({ data });
  const { plans, schedule } = await reminderPlans(tx, appointment, deps);
  const jobIds = await planNudges(tx, [appointment.id], plans);
  return { appointment, jobIds, timeZone: schedule.timeZone };
}

/** Moves an appointment: its reminders are replaced, the client is told the new time. */
export async function moveAppointment(
  deps: AppointmentDeps,
  input: { appointmentId: string; at: string },
): Promise<Appointment> {
  const current = await deps.db.appointment.findUnique({ where: { id: input.appointmentId } });
  if (!current || current.status === "cancelled")
    throw new DomainError(`No scheduled appointment with id ${input.appointmentId}.`, {
      code: "appointment_not_scheduled",
    });
  const { schedule, startsAt } = await futureStart(deps, current.caseId, input.at);
  let jobIds: string[] = [];
  let messageIds: bigint[] = [];
  const moved = await deps.db.$transaction(async (tx) => {
    const updated = await tx.appointment.update({
      where: { id: current.id },
      data: { startsAt, response: null, respondedAt: null },
    });
    // Reminders already sent for the old time may be sent again for the new one.
    await tx.nudge.updateMany({
      where: { subjectId: current.id, status: "sent" },
      data: { status: "cancelled", reason: "moved" },
    });
    await tx.nudge.deleteMany({ where: { subjectId: current.id, status: "cancelled", reason: "moved" } });
    ({ jobIds, messageIds } = await remindAndTell(tx, deps, updated, {
      output: movedMessage(updated, schedule.timeZone),
      idempotencyKey: `appt-moved:${updated.id}:${startsAt.getTime()}`,
    }));
    return updated;
  });
  await finish(deps, jobIds, messageIds);
  return moved;
}

/** Cancels an appointment: its reminders are removed and the client is told. */
export async function cancelAppointment(
  deps: AppointmentDeps,
  input: { appointmentId: string },
): Promise<Appointment> {
  const current = await deps.db.appointment.findUnique({ where: { id: input.appointmentId } });
  if (!current || current.status === "cancelled")
    throw new DomainError(`No scheduled appointment with id ${input.appointmentId}.`, {
      code: "appointment_not_scheduled",
    });
  const schedule = await caseSchedule(deps.db, current.caseId, deps.defaultTimeZone);
  let jobIds: string[] = [];
  let messageIds: bigint[] = [];
  const cancelled = await deps.db.$transaction(async (tx) => {
    const updated = await tx.appointment.update({ where: { id: current.id }, data: { status: "cancelled" } });
    jobIds = await cancelNudges(tx, { subjectId: current.id }, "appointment cancelled");
    const told = await writeToCaseClient(tx, deps, {
      caseId: updated.caseId,
      outputs: [cancelledMessage(updated, schedule.timeZone)],
      idempotencyKey: `appt-cancelled:${updated.id}`,
    });
    if ("messageIds" in told) messageIds = told.messageIds;
    return updated;
  });
  await finish(deps, jobIds, messageIds);
  return cancelled;
}
