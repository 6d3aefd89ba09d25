/**
 * Appointments of a case, as the case page does them: `GET /cases/{id}/appointments` (each with
 * its reminder plan, in ISO and in words in my language), `POST /cases/{id}/appointments`,
 * `POST /appointments/{id}/move`, `POST /appointments/{id}/cancel`. The CLI's domain functions:
 * the client's notice and reminders go through the outbox and the nudge timers.
 */
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { caseZone } from "../console/appointment-section.ts";
import { consoleText } from "../console/console-context.ts";
import { reminderWords } from "../console/reminder-words.ts";
import { appointmentDeps } from "../console/scheduling-deps.ts";
import {
  APPOINTMENT_PURPOSES,
  cancelAppointment,
  createAppointment,
  createAppointmentOnce,
  moveAppointment,
} from "../domain/appointments/appointments.ts";
import { BRING_DOCUMENTS, storedBringNotes } from "../domain/appointments/bring-documents.ts";
import { mapUrlSchema } from "../domain/appointments/map-url.ts";
import { reminderPlan } from "../domain/appointments/reminder-plan.ts";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { appointmentCaseInScope } from "../domain/cases/case-items.ts";
import type { Appointment } from "../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";
import { idempotencyHeaders } from "./idempotency-key.ts";

/** A repeat of a new appointment (same key, case and staff member): the first one, told once. */
const appointmentKey = idempotencyHeaders(
  "the same key again (same case, same staff member) sets no second appointment and answers with the first; the client is told once.",
);
const appointmentJson = z.object({
  id: z.string(),
  caseId: z.string(),
  startsAt: z.string(),
  timeZone: z.string(),
  purpose: z.enum(APPOINTMENT_PURPOSES),
  location: z.string(),
  mapUrl: z.string().nullable(),
  withWhom: z.string(),
  bringDocuments: z.array(z.enum(BRING_DOCUMENTS)),
  bringNotes: z.partialRecord(z.enum(CLIENT_LOCALES), z.string()),
  status: z.enum(["scheduled", "cancelled"]),
  response: z.enum(["coming", "cannot_come", "reschedule"]).nullable(),
  reminders: z.array(z.object({ dueAt: z.string(), offset: z.string() })),
  noReminderReason: z
    .enum(["client_stopped", "client_blocked", "client_not_linked", "too_close", "already_sent", "passed"])
    .nullable(),
  reminderText: z.string().nullable(),
});

const newAppointment = z
  .object({
    at: z.string().min(1).max(40).describe('local time in the programme\'s zone, "YYYY-MM-DD HH:MM"'),
    purpose: z.enum(APPOINTMENT_PURPOSES),
    location: z.string().min(1).max(200),
    withWhom: z.string().min(1).max(100),
    mapUrl: mapUrlSchema.optional(),
    bringDocuments: z.array(z.enum(BRING_DOCUMENTS)).max(BRING_DOCUMENTS.length).optional(),
    bringNotes: z.partialRecord(z.enum(CLIENT_LOCALES), z.string().max(300)).optional(),
  })
  .strict();

async function toJson(request: FastifyRequest, appointment: Appointment, locale: string) {
  const { db, translator } = request.server.consoleContext;
  const zone = await caseZone(request, appointment.caseId);
  const now = new Date();
  const plan = appointment.status === "scheduled" ? await reminderPlan(db, appointment, now) : undefined;
  const t = (key: string, params?: Record<string, string | number>) =>
    consoleText(translator, locale, key, params);
  return {
    id: appointment.id,
    caseId: appointment.caseId,
    startsAt: appointment.startsAt.toISOString(),
    timeZone: zone,
    purpose: appointment.purpose,
    location: appointment.location,
    mapUrl: appointment.mapUrl,
    withWhom: appointment.withWhom,
    bringDocuments: appointment.bringDocuments as (typeof BRING_DOCUMENTS)[number][],
    bringNotes: storedBringNotes(appointment.bringNotes),
    status: appointment.status,
    response: appointment.response,
    reminders: (plan?.reminders ?? []).map((r) => ({ dueAt: r.dueAt.toISOString(), offset: r.offset })),
    noReminderReason: plan?.none ?? null,
    reminderText: plan ? reminderWords(plan, appointment.startsAt, { locale, zone, now, t }) : null,
  };
}

export const appointmentApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/cases/:id/appointments",
    summary: "A case's appointments, earliest first, with the reminders still to come (or why none).",
    tags: ["appointments"],
    params: idParams,
    response: z.object({ appointments: z.array(appointmentJson) }),
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      await requireCaseInScope(db, staff, params.id);
      const rows = await db.appointment.findMany({
        where: { caseId: params.id },
        orderBy: { startsAt: "asc" },
      });
      return { appointments: await Promise.all(rows.map((a) => toJson(request, a, staff.locale))) };
    },
  });
  router.route({
    method: "POST",
    url: "/cases/:id/appointments",
    summary: "Sets an appointment: the client is told in their language and reminded before it.",
    tags: ["appointments"],
    params: idParams,
    body: newAppointment,
    headers: appointmentKey,
    status: 201,
    response: appointmentJson,
    async handler({ staff, params, body, headers, request }) {
      await requireCaseInScope(request.server.consoleContext.db, staff, params.id);
      const deps = appointmentDeps(request.server.consoleContext);
      const input = { caseId: params.id, ...body };
      const key = headers["idempotency-key"];
      const created = key
        ? await createAppointmentOnce(deps, input, `api:${params.id}:${staff.staffId}:${key}`)
        : await createAppointment(deps, input);
      return toJson(request, created, staff.locale);
    },
  });
  router.route({
    method: "POST",
    url: "/appointments/:id/move",
    summary: "Moves an appointment: its reminders are replaced and the client is told the new time.",
    tags: ["appointments"],
    params: idParams,
    body: z.object({ at: z.string().min(1).max(40) }).strict(),
    response: appointmentJson,
    async handler({ staff, params, body, request }) {
      await appointmentCaseInScope(request.server.consoleContext.db, staff, params.id);
      const moved = await moveAppointment(appointmentDeps(request.server.consoleContext), {
        appointmentId: params.id,
        at: body.at,
      });
      return toJson(request, moved, staff.locale);
    },
  });
  router.route({
    method: "POST",
    url: "/appointments/:id/cancel",
    summary: "Cancels an appointment: its reminders stop and the client is told.",
    tags: ["appointments"],
    params: idParams,
    response: appointmentJson,
    async handler({ staff, params, request }) {
      await appointmentCaseInScope(request.server.consoleContext.db, staff, params.id);
      const cancelled = await cancelAppointment(appointmentDeps(request.server.consoleContext), {
        appointmentId: params.id,
      });
      return toJson(request, cancelled, staff.locale);
    },
  });
};
