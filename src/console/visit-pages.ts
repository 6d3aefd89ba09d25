/**
 * Matchmaking days in the console: on a vacancy's page, the company visit (the form to set one:
 * day, first time, how many slots of how many minutes, place, who they meet) or its slots with who
 * comes; and `GET /console/visits`, the organisation's visits per company. Clients pick the slots
 * themselves, by buttons, after "I'm interested" (company-visits.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { setCompanyVisit, visitsByCompany } from "../domain/vacancies/company-visits.ts";
import { requireVacancyRole, vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import { jobTitleText } from "../domain/vacancies/vacancy-lists.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { consoleText } from "./console-context.ts";
import type { T } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { formBody } from "./vacancy-form.ts";

type Visit = Awaited<ReturnType<typeof visitsByCompany>>[number]["visits"][number];

function slotList(request: FastifyRequest, t: T, visit: Visit): SafeHtml {
  const { translator, config } = request.server.consoleContext;
  const locale = staffOf(request).locale;
  const items = visit.slots.map((slot) => {
    const when = translator.formatDateTime(slot.startsAt, locale, config.TZ_DEFAULT);
    const a = slot.appointment;
    if (a?.status !== "scheduled")
      return html`<li>${when} · <span class="muted">${t("visit_free")}</span></li>`;
    const name = a.case.client?.displayName ?? a.case.reference ?? t("match_unnamed");
    const answer = a.response ? ` · ${t(`visit_response_${a.response}`)}` : "";
    return html`<li>${when} · <a href="/console/cases/${a.caseId}">${name}</a>${answer}</li>`;
  });
  return html`<p>📍 ${visit.place} · ${t("label_colon", { label: t("visit_host") })} ${visit.host}</p><ul>${items}</ul>`;
}

/** The vacancy page's section: the visit's slots, or the form to set one. */
export async function visitSection(request: FastifyRequest, t: T, vacancy: Vacancy): Promise<SafeHtml> {
  const { db } = request.server.consoleContext;
  const visits = (await visitsByCompany(db, vacancy.organisationId)).flatMap((c) => c.visits);
  const visit = visits.find((v) => v.vacancyId === vacancy.id);
  const field = (name: string, label: string, attrs: SafeHtml) =>
    html`<div class="field"><label for="v-${name}">${label}</label><input id="v-${name}" name="${name}" ${attrs}></div>`;
  const form = html`<form method="post" action="/console/vacancies/${vacancy.id}/visit">${csrfField(request)}
<div class="params">
${field("date", t("visit_date"), html`type="date" required`)}
${field("firstSlot", t("visit_first_slot"), html`type="time" required value="10:00"`)}
${field("slots", t("visit_slots"), html`type="number" min="1" max="40" required value="6"`)}
${field("minutes", t("visit_minutes"), html`type="number" min="5" max="240" required value="20"`)}
${field("place", t("visit_place"), html`type="text" required maxlength="200"`)}
${field("host", t("visit_host"), html`type="text" required maxlength="100"`)}
${field("mapUrl", t("visit_map"), html`type="url" maxlength="500"`)}
</div>
<p><button type="submit" class="secondary">${visit ? t("visit_replace") : t("visit_set")}</button></p></form>`;
  return html`<section class="card" aria-labelledby="visit-title"><h2 id="visit-title">${t("visit_title")}</h2>
<p class="muted">${t("visit_intro")}</p>
${visit ? slotList(request, t, visit) : ""}
${visit?.slots.some((s) => s.appointment) ? "" : form}
<p><a href="/console/visits">${t("visits_title")}</a></p></section>`;
}

const text = (request: FastifyRequest): T => {
  const staff = staffOf(request);
  return (key, params) => consoleText(request.server.consoleContext.translator, staff.locale, key, params);
};

async function visitsPage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t = text(request);
  requireVacancyRole(staff);
  const companies = await visitsByCompany(db, staff.organisationId);
  const body = companies.length
    ? html`${companies.map(
        (c) =>
          html`<section class="card"><h2>${c.employer}</h2>${c.visits.map(
            (v) =>
              html`<h3><a href="/console/vacancies/${v.vacancyId}">${jobTitleText(v.vacancy, staff.locale, translator)} · ${v.vacancy.municipality}</a></h3>${slotList(request, t, v)}`,
          )}</section>`,
      )}`
    : html`<p>${t("visits_none")}</p>`;
  return renderPage(reply, staff, t("visits_title"), body);
}

export function visitPages(http: FastifyInstance): void {
  const guard = { preHandler: requireStaff };
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const staff = staffOf(request);
    if (error instanceof NotFoundError) return notFoundPage(reply, staff);
    if (error instanceof ForbiddenError)
      return renderPage(
        reply.code(403),
        staff,
        text(request)("forbidden_title"),
        html`<p>${text(request)("vacancy_forbidden")}</p>`,
      );
    throw error;
  };
  http.get("/console/visits", guard, async (request, reply) => {
    try {
      return await visitsPage(request, reply);
    } catch (error) {
      return failed(request, reply, error);
    }
  });
}

/** The visit form's body, given to the vacancy (`POST /console/vacancies/:id/visit`). */
export async function saveVisitFromForm(
  request: FastifyRequest,
  vacancyId: string,
  body: unknown,
): Promise<void> {
  const { db, config } = request.server.consoleContext;
  const vacancy = await vacancyForStaff(db, staffOf(request), vacancyId);
  const parsed = formBody.safeParse(body ?? {});
  const field = (name: string) => (parsed.success ? String(parsed.data[name] ?? "").trim() : "");
  const mapUrl = field("mapUrl");
  await setCompanyVisit(
    db,
    vacancy,
    {
      date: field("date"),
      firstSlot: field("firstSlot"),
      slots: Number(field("slots")),
      minutes: Number(field("minutes")),
      place: field("place"),
      host: field("host"),
      ...(mapUrl ? { mapUrl } : {}),
    },
    config.TZ_DEFAULT,
  );
}
