/**
 * The case page's appointment forms: `POST /console/cases/:id/appointments` sets one,
 * `POST /console/appointments/:id/move` and `…/cancel` change it. The domain (the CLI's) plans the
 * reminders and writes the client's notice to the outbox; the page comes back with the plan.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  cancelAppointment,
  createAppointment,
  moveAppointment,
} from "../domain/appointments/appointments.ts";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { appointmentCaseInScope } from "../domain/cases/case-items.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { attempt, formOf } from "./case-actions.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { appointmentDeps } from "./scheduling-deps.ts";

const text = z.string().max(1000).optional().default("");
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const newForm = z.object({
  date: text,
  time: text,
  purpose: text,
  location: text,
  withWhom: text,
  mapUrl: text,
  bring: list,
  ...Object.fromEntries(CLIENT_LOCALES.map((locale) => [`note_${locale}`, text])),
});
const moveForm = z.object({ date: text, time: text });

const idOf = (request: FastifyRequest) => String((request.params as { id?: unknown }).id ?? "");
const back = (reply: FastifyReply, caseId: string, done: string) =>
  reply.redirect(`/console/cases/${encodeURIComponent(caseId)}?done=${done}#appointments`, 303);

export function appointmentPages(http: FastifyInstance): void {
  const context = () => http.consoleContext;
  http.post("/console/cases/:id/appointments", { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      async () => {
        await requireCaseInScope(context().db, staffOf(request), idOf(request));
        return idOf(request);
      },
      async (caseId) => {
        const form = formOf(newForm, request.body) as z.output<typeof newForm> & Record<string, string>;
        await createAppointment(appointmentDeps(context()), {
          caseId,
          at: `${form.date} ${form.time}`.trim(),
          purpose: form.purpose as never,
          location: form.location,
          withWhom: form.withWhom,
          ...(form.mapUrl.trim() ? { mapUrl: form.mapUrl.trim() } : {}),
          bringDocuments: form.bring as never,
          bringNotes: Object.fromEntries(
            CLIENT_LOCALES.map((locale) => [locale, form[`note_${locale}`] ?? ""]),
          ),
        });
        return back(reply, caseId, "appointment_created");
      },
    ),
  );
  http.post("/console/appointments/:id/move", { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      () => appointmentCaseInScope(context().db, staffOf(request), idOf(request)),
      async (caseId) => {
        const form = formOf(moveForm, request.body);
        await moveAppointment(appointmentDeps(context()), {
          appointmentId: idOf(request),
          at: `${form.date} ${form.time}`.trim(),
        });
        return back(reply, caseId, "appointment_moved");
      },
    ),
  );
  http.post("/console/appointments/:id/cancel", { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      () => appointmentCaseInScope(context().db, staffOf(request), idOf(request)),
      async (caseId) => {
        await cancelAppointment(appointmentDeps(context()), { appointmentId: idOf(request) });
        return back(reply, caseId, "appointment_cancelled");
      },
    ),
  );
}
