/**
 * Matchmaking days (JobRoad's project week): a vacancy carries a company visit — a place, who the
 * clients meet, and slots of a few minutes on one day. A client who taps "I'm interested" is
 * offered the free slots by buttons (`jobslot:<alert id>:<slot id>`); a tap books the slot as an
 * appointment of their case (purpose company_visit) with its reminders, planned like every other
 * appointment's. One person per slot: the slot is taken by a conditional update, so two taps at
 * once cannot both win. The counsellor sees the visits per company with who comes when.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import type { Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { newAppointmentMessage } from "../appointments/appointment-messages.ts";
import { createAppointmentIn } from "../appointments/appointments.ts";
import { mapUrlSchema } from "../appointments/map-url.ts";
import { DomainError, parseInput } from "../errors.ts";

/** Slots offered as buttons at most (Telegram keeps a keyboard readable up to about this). */
export const MAX_SLOT_BUTTONS = 8;

export const visitInput = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD"),
  firstSlot: z.string().regex(/^\d{2}:\d{2}$/, "must be a time as HH:MM"),
  slots: z.number().int().min(1).max(40),
  minutes: z.number().int().min(5).max(240),
  place: z.string().trim().min(3, "needs an address").max(200),
  mapUrl: mapUrlSchema.optional(),
  host: z.string().trim().min(1, "is required").max(100),
});
export type VisitInput = z.input<typeof visitInput>;

/** Gives a vacancy its company visit (replacing a visit nobody booked yet). */
export async function setCompanyVisit(db: Db, vacancy: Vacancy, input: VisitInput, timeZone: string) {
  const data = parseInput(visitInput, input);
  const first = DateTime.fromISO(`${data.date}T${data.firstSlot}`, { zone: timeZone });
  if (!first.isValid)
    throw new DomainError("Invalid date or time of the first slot.", { code: "visit_invalid_start" });
  if (first.toMillis() <= Date.now())
    throw new DomainError("The visit is in the past.", { code: "visit_in_past" });
  return db.$transaction(async (tx) => {
    const existing = await tx.companyVisit.findUnique({
      where: { vacancyId: vacancy.id },
      include: { slots: { where: { appointmentId: { not: null } }, select: { id: true } } },
    });
    if (existing?.slots.length)
      throw new DomainError("Someone booked a slot of this visit already: it stays as it is.", {
        code: "visit_already_booked",
      });
    if (existing) await tx.companyVisit.delete({ where: { id: existing.id } });
    return tx.companyVisit.create({
      data: {
        vacancyId: vacancy.id,
        place: data.place,
        host: data.host,
        ...(data.mapUrl ? { mapUrl: data.mapUrl } : {}),
        slots: {
          create: Array.from({ length: data.slots }, (_, i) => ({
            startsAt: first.plus({ minutes: i * data.minutes }).toJSDate(),
          })),
        },
      },
      include: { slots: { orderBy: { startsAt: "asc" } } },
    });
  });
}

/** The free future slots of the vacancy's visit as a message with one button each, or nothing. */
export async function slotOffer(
  tx: DbClient,
  input: { alertId: string; vacancyId: string; now: Date; timeZone: string },
): Promise<Output | undefined> {
  const visit = await tx.companyVisit.findUnique({
    where: { vacancyId: input.vacancyId },
    include: {
      slots: {
        where: { appointmentId: null, startsAt: { gt: input.now } },
        orderBy: { startsAt: "asc" },
        take: MAX_SLOT_BUTTONS,
      },
    },
  });
  const first = visit?.slots[0];
  if (!visit || !first) return undefined;
  return {
    key: "jobs.visit_offer",
    params: { date: first.startsAt.toISOString(), place: visit.place },
    dateTimeParams: { date: input.timeZone },
    choices: visit.slots.map((slot) => ({
      id: `jobslot:${input.alertId}:${slot.id}`,
      label: "jobs.visit_slot",
      labelParams: { time: DateTime.fromJSDate(slot.startsAt, { zone: input.timeZone }).toFormat("HH:mm") },
      labelTimeParams: ["time"],
    })),
  };
}

/** Reads `jobslot:<alert id>:<slot id>`. */
export function parseSlotChoice(choiceId: string): { alertId: string; slotId: string } | undefined {
  const match = /^jobslot:([a-z0-9]+):([a-z0-9]+)$/.exec(choiceId);
  return match ? { alertId: match[1] as string, slotId: match[2] as string } : undefined;
}

/**
 * A client's tap on a slot: books it for their open case (only their own interested alert, a free
 * future slot of that vacancy's visit), with reminders. Returns the reply and the reminders' job
 * ids (timers to set after the commit). A slot taken meanwhile: the free ones again.
 */
export async function bookSlot(
  tx: DbClient,
  input: { alertId: string; slotId: string; clientId: string | null; now: Date; timeZone: string },
): Promise<{ outputs: Output[]; jobIds: string[] }> {
  const alert = await tx.jobAlert.findUnique({
    where: { id: input.alertId },
    include: {
      client: { select: { cases: { where: { status: { not: "closed" } }, select: { id: true } } } },
    },
  });
  const caseId = alert?.client.cases[0]?.id;
  if (
    !alert ||
    !input.clientId ||
    alert.clientId !== input.clientId ||
    alert.status !== "interested" ||
    !caseId
  )
    return { outputs: [{ key: "jobs.unknown" }], jobIds: [] };
  const booked = await tx.visitSlot.findFirst({
    where: { visit: { vacancyId: alert.vacancyId }, appointment: { caseId, status: "scheduled" } },
  });
  if (booked) return { outputs: [{ key: "jobs.visit_already" }], jobIds: [] };
  const slot = await tx.visitSlot.findFirst({
    where: { id: input.slotId, visit: { vacancyId: alert.vacancyId }, startsAt: { gt: input.now } },
    include: { visit: true },
  });
  const offerAgain = async () => {
    const offer = await slotOffer(tx, { ...input, vacancyId: alert.vacancyId });
    return { outputs: [{ key: "jobs.visit_taken" }, ...(offer ? [offer] : [])], jobIds: [] };
  };
  if (!slot || slot.appointmentId) return offerAgain();
  const made = await createAppointmentIn(
    tx,
    { defaultTimeZone: input.timeZone, now: () => input.now },
    {
      caseId,
      startsAt: slot.startsAt,
      location: slot.visit.place,
      mapUrl: slot.visit.mapUrl,
      withWhom: slot.visit.host,
      purpose: "company_visit",
    },
  );
  const taken = await tx.visitSlot.updateMany({
    where: { id: slot.id, appointmentId: null },
    data: { appointmentId: made.appointment.id },
  });
  if (taken.count === 0) {
    await tx.nudge.deleteMany({ where: { subjectId: made.appointment.id } });
    await tx.appointment.delete({ where: { id: made.appointment.id } });
    return offerAgain();
  }
  return { outputs: [newAppointmentMessage(made.appointment, made.timeZone)], jobIds: made.jobIds };
}

/** The organisation's visits per company, soonest first, each slot with who booked it. */
export async function visitsByCompany(db: Db, organisationId: string) {
  const visits = await db.companyVisit.findMany({
    where: { vacancy: { organisationId } },
    include: {
      vacancy: true,
      slots: {
        orderBy: { startsAt: "asc" },
        include: {
          appointment: {
            select: {
              status: true,
              response: true,
              caseId: true,
              case: { select: { reference: true, client: { select: { displayName: true } } } },
            },
          },
        },
      },
    },
  });
  const byCompany = new Map<string, typeof visits>();
  for (const visit of visits) {
    const list = byCompany.get(visit.vacancy.employer) ?? [];
    list.push(visit);
    byCompany.set(visit.vacancy.employer, list);
  }
  const soonest = (v: (typeof visits)[number]) => v.slots[0]?.startsAt.getTime() ?? 0;
  return [...byCompany.entries()]
    .map(([employer, list]) => ({ employer, visits: list.sort((x, y) => soonest(x) - soonest(y)) }))
    .sort((x, y) => x.employer.localeCompare(y.employer));
}
