/**
 * The case page's appointments: each with its time in the programme's zone, what to bring (in the
 * staff member's language), the client's answer, the reminder plan in words (or why there is
 * none), and forms to move or cancel it; then the form to set a new one. The forms post to
 * appointment-pages.ts, which calls the same domain functions as the CLI.
 */
import type { FastifyRequest } from "fastify";
import { DateTime } from "luxon";
import { programmeTimeZone } from "../cli/case-time-zone.ts";
import { APPOINTMENT_PURPOSES } from "../domain/appointments/appointments.ts";
import { BRING_DOCUMENTS, storedBringNotes } from "../domain/appointments/bring-documents.ts";
import { usableMapUrl } from "../domain/appointments/map-url.ts";
import { reminderPlan } from "../domain/appointments/reminder-plan.ts";
import type { Appointment } from "../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { languageName } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { submissionField } from "./form-submission.ts";
import { html, type SafeHtml } from "./html.ts";
import { reminderWords } from "./reminder-words.ts";
import { staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

/** The zone a case's appointment times are read and shown in. */
export async function caseZone(request: FastifyRequest, caseId: string): Promise<string> {
  const { db, config } = request.server.consoleContext;
  const found = await db.case.findUnique({
    where: { id: caseId },
    select: { programme: { select: { timezone: true, settings: true } } },
  });
  return programmeTimeZone(found?.programme, config.TZ_DEFAULT);
}

/** The whole section: the appointments, then the form for a new one. */
export async function appointmentSection(
  request: FastifyRequest,
  t: T,
  caseId: string,
  appointments: Appointment[],
): Promise<SafeHtml> {
  const zone = await caseZone(request, caseId);
  const cards = await Promise.all(appointments.map((a) => appointmentCard(request, t, a, zone)));
  return html`<h2 id="appointments">${t("appointments")}</h2>
<p class="muted">${t("times_in_zone", { zone })}</p>
${cards.length ? html`<ul class="appointments">${cards}</ul>` : html`<p class="muted">${t("none")}</p>`}
${newAppointmentForm(request, t, caseId)}`;
}

async function appointmentCard(
  request: FastifyRequest,
  t: T,
  a: Appointment,
  zone: string,
): Promise<SafeHtml> {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const now = new Date();
  const local = DateTime.fromJSDate(a.startsAt, { zone });
  const documents = a.bringDocuments.map((code) =>
    translator.t(`appointments.document_${code}`, staff.locale),
  );
  const notes = Object.entries(storedBringNotes(a.bringNotes));
  const plan =
    a.status === "scheduled"
      ? reminderWords(await reminderPlan(db, a, now), a.startsAt, { locale: staff.locale, zone, now, t })
      : "";
  const id = `appt-${a.id}`;
  return html`<li class="card" aria-labelledby="${id}-title">
<h3 id="${id}-title">${translator.formatDateTime(a.startsAt, staff.locale, zone)} · ${t(`purpose_${a.purpose}`)}</h3>
<dl class="fields">
  <dt>${t("status")}</dt><dd>${t(`appointment_${a.status}`)}${a.response ? html` · ${t(`response_${a.response}`)}` : ""}</dd>
  <dt>${t("place")}</dt><dd>${a.location}${usableMapUrl(a.mapUrl) ? html` · <a href="${a.mapUrl}">${t("map")}</a>` : ""}</dd>
  <dt>${t("with_whom")}</dt><dd>${a.withWhom}</dd>
  <dt>${t("bring")}</dt><dd>${translator.formatList(documents, staff.locale) || "—"}</dd>
  ${notes.map(([locale, note]) => html`<dt>${t("bring_note_in", { language: languageName(request, staff, locale) })}</dt><dd lang="${locale}" dir="auto">${note}</dd>`)}
</dl>
${plan ? html`<p class="reminders">${plan}</p>` : ""}
${
  a.status === "scheduled"
    ? html`<div class="actions">
<form method="post" action="/console/appointments/${a.id}/move">${csrfField(request)}
<div class="params"><div><label for="${id}-date">${t("new_date")}</label><input id="${id}-date" type="date" name="date" required value="${local.toISODate() ?? ""}"></div>
<div><label for="${id}-time">${t("new_time")}</label><input id="${id}-time" type="time" name="time" required value="${local.toFormat("HH:mm")}"></div></div>
<p><button type="submit" class="secondary">${t("move_appointment")}</button></p></form>
<form method="post" action="/console/appointments/${a.id}/cancel">${csrfField(request)}<p><button type="submit" class="secondary">${t("cancel_appointment")}</button></p></form>
</div>`
    : ""
}
</li>`;
}

function newAppointmentForm(request: FastifyRequest, t: T, caseId: string): SafeHtml {
  const staff = staffOf(request);
  const { translator } = request.server.consoleContext;
  return html`<form class="card" method="post" action="/console/cases/${caseId}/appointments" aria-labelledby="new-appt-title">${csrfField(request)}${submissionField()}
<h3 id="new-appt-title">${t("new_appointment")}</h3>
<div class="params"><div><label for="appt-date">${t("date")}</label><input id="appt-date" type="date" name="date" required></div>
<div><label for="appt-time">${t("time")}</label><input id="appt-time" type="time" name="time" required></div></div>
<label for="appt-purpose">${t("purpose")}</label>
<select id="appt-purpose" name="purpose" required>${APPOINTMENT_PURPOSES.map((p) => html`<option value="${p}">${t(`purpose_${p}`)}</option>`)}</select>
<label for="appt-location">${t("place")}</label><input id="appt-location" type="text" name="location" required minlength="3" maxlength="200">
<label for="appt-map">${t("map_link")}</label><input id="appt-map" type="url" name="mapUrl" maxlength="500" placeholder="https://">
<label for="appt-with">${t("with_whom")}</label><input id="appt-with" type="text" name="withWhom" required maxlength="100">
<fieldset class="documents"><legend>${t("bring")}</legend>
${BRING_DOCUMENTS.map((code) => html`<label class="check"><input type="checkbox" name="bring" value="${code}"> ${translator.t(`appointments.document_${code}`, staff.locale)}</label>`)}
</fieldset>
<details><summary>${t("bring_notes")}</summary>
<p class="muted">${t("bring_notes_intro")}</p>
${CLIENT_LOCALES.map((locale) => html`<label for="appt-note-${locale}">${t("bring_note_in", { language: languageName(request, staff, locale) })}</label><textarea id="appt-note-${locale}" name="note_${locale}" rows="2" maxlength="300" lang="${locale}" dir="auto"></textarea>`)}
</details>
<p class="muted">${t("appointment_client_told")}</p>
<p><button type="submit">${t("create_appointment")}</button></p>
</form>`;
}
