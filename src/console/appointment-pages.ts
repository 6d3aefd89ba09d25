/**
 * The case page's appointment forms: `POST /console/cases/:id/appointments` sets one (once per
 * rendered form: the same form posted again comes back as the first post did, nothing new made),
 * `POST /console/appointments/:id/move` and `…/cancel` change it. The domain (the CLI's) plans the
 * reminders and writes the client's notice to the outbox; the page comes back with the plan.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  cancelAppointment,
  createAppointmentOnce,
  moveAppointment,
} from "../domain/appointments/appointments.ts";
import { appointmentCaseInScope } from "../domain/cases/case-items.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { backToCase, caseAction, caseOfUrl, formOf, idOf } from "./case-actions.ts";
import { submissionOf } from "./form-submission.ts";
import { staffOf } from "./require-staff.ts";
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

export function appointmentPages(http: FastifyInstance): void {
  const context = () => http.consoleContext;
  const appointmentCase = (request: Parameters<typeof idOf>[0]) =>
    appointmentCaseInScope(context().db, staffOf(request), idOf(request));
  caseAction(http, "/console/cases/:id/appointments", caseOfUrl, async (request, reply, caseId) => {
    const form = formOf(newForm, request.body) as z.output<typeof newForm> & Record<string, string>;
    const submission = submissionOf(request.body);
    await createAppointmentOnce(
      appointmentDeps(context()),
      {
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
      },
      `staff:${caseId}:${submission}`,
    );
    return backToCase(reply, caseId, "appointments", "appointment_created");
  });
  caseAction(http, "/console/appointments/:id/move", appointmentCase, async (request, reply, caseId) => {
    const form = formOf(moveForm, request.body);
    await moveAppointment(appointmentDeps(context()), {
      appointmentId: idOf(request),
      at: `${form.date} ${form.time}`.trim(),
    });
    return backToCase(reply, caseId, "appointments", "appointment_moved");
  });
  caseAction(http, "/console/appointments/:id/cancel", appointmentCase, async (request, reply, caseId) => {
    await cancelAppointment(appointmentDeps(context()), { appointmentId: idOf(request) });
    return backToCase(reply, caseId, "appointments", "appointment_cancelled");
  });
}
