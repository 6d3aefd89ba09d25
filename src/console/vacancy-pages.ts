/**
 * `/console/vacancies`: the organisation's vacancies, the form to post one (and to change it), and
 * a vacancy's page (its facts in the counsellor's language, the card per client language). The
 * match list and the answers are on the vacancy's page too (vacancy-match-section.ts). The same
 * domain functions as /api/v1/vacancies; counsellors and coordinators only (a steward: 403).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { postVacancy, updateVacancy } from "../domain/vacancies/vacancies.ts";
import { listVacancies, requireVacancyRole, vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import { jobTitleText } from "../domain/vacancies/vacancy-lists.ts";
import { consoleText } from "./console-context.ts";
import type { T } from "./conversation-page.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { vacancyFacts } from "./vacancy-facts.ts";
import {
  type FormBody,
  formBody,
  formOfVacancy,
  vacancyFieldsFromForm,
  vacancyForm,
} from "./vacancy-form.ts";
import { matchSection } from "./vacancy-match-section.ts";
import { previewSwaps } from "./vacancy-preview.ts";
import { sendFromPage } from "./vacancy-send.ts";
import { saveVisitFromForm, visitSection } from "./visit-pages.ts";

function textsOf(request: FastifyRequest): T {
  const staff = staffOf(request);
  return (key, params) => consoleText(request.server.consoleContext.translator, staff.locale, key, params);
}

/** Not found, not allowed, or a value the form must correct: each its own page. */
async function orPage(
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<FastifyReply>,
  onInvalid?: (message: string) => FastifyReply | Promise<FastifyReply>,
): Promise<FastifyReply> {
  const staff = staffOf(request);
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundPage(reply, staff);
    if (error instanceof ForbiddenError) {
      const t = textsOf(request);
      return renderPage(reply.code(403), staff, t("forbidden_title"), html`<p>${t("vacancy_forbidden")}</p>`);
    }
    if (error instanceof DomainError && onInvalid) return onInvalid(staffErrorText(request, error));
    throw error;
  }
}

function formPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; action: string; values: FormBody; error?: string },
): FastifyReply {
  const t = textsOf(request);
  const body = html`${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ""}
<p class="muted">${t("vacancy_form_intro")}</p>
${vacancyForm(request, t, { action: options.action, values: options.values, submitLabel: t("vacancy_save") })}`;
  return renderPage(reply, staffOf(request), options.title, body);
}

async function listPage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t = textsOf(request);
  const vacancies = await listVacancies(db, staff);
  const count = (v: (typeof vacancies)[number], status: string) =>
    v.alerts.filter((a) => a.status === status).length;
  const items = vacancies.map(
    (
      v,
    ) => html`<li class="card"><h2><a href="/console/vacancies/${v.id}">${jobTitleText(v, staff.locale, translator)} · ${v.municipality}</a></h2>
<p>${v.employer} · ${t(`vacancy_status_${v.status}`)} · ${t("vacancy_counts", { sent: v.alerts.length, interested: count(v, "interested"), declined: count(v, "not_for_me") })}</p></li>`,
  );
  const body: SafeHtml = html`<p><a class="button" href="/console/vacancies/new">${t("vacancy_new")}</a> · <a href="/console/visits">${t("visits_title")}</a></p>
${items.length ? html`<ul class="tasks">${items}</ul>` : html`<p>${t("vacancies_none")}</p>`}`;
  return renderPage(reply, staff, t("vacancies_title"), body);
}

async function vacancyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  notice?: string,
  error?: string,
) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t = textsOf(request);
  const vacancy = await vacancyForStaff(db, staff, id);
  const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
${error ? html`<p class="error" role="alert">${error}</p>` : ""}
<p><a href="/console/vacancies/${vacancy.id}/edit">${t("vacancy_edit")}</a> · <a href="/console/vacancies">${t("vacancies_title")}</a></p>
${await matchSection(request, t, vacancy)}
${await visitSection(request, t, vacancy)}
${vacancyFacts(request, t, vacancy)}`;
  return renderPage(
    reply,
    staff,
    `${jobTitleText(vacancy, staff.locale, translator)} · ${vacancy.municipality}`,
    body,
  );
}

const idOf = (request: FastifyRequest) => String((request.params as { id?: unknown }).id ?? "");
const bodyOf = (request: FastifyRequest): FormBody => {
  const parsed = formBody.safeParse(request.body ?? {});
  return parsed.success ? parsed.data : {};
};

export function vacancyPages(http: FastifyInstance): void {
  const guard = { preHandler: requireStaff };
  http.get("/console/vacancies", guard, (request, reply) =>
    orPage(request, reply, () => listPage(request, reply)),
  );

  http.get("/console/vacancies/new", guard, (request, reply) =>
    orPage(request, reply, async () => {
      requireVacancyRole(staffOf(request));
      return formPage(request, reply, {
        title: textsOf(request)("vacancy_new"),
        action: "/console/vacancies",
        values: {},
      });
    }),
  );

  http.post("/console/vacancies", guard, (request, reply) => {
    const values = bodyOf(request);
    return orPage(
      request,
      reply,
      async () => {
        const staff = staffOf(request);
        requireVacancyRole(staff);
        const vacancy = await postVacancy(
          http.consoleContext.db,
          staff.organisationId,
          vacancyFieldsFromForm(values),
        );
        return reply.redirect(`/console/vacancies/${vacancy.id}`, 303);
      },
      (error) =>
        formPage(request, reply.code(400), {
          title: textsOf(request)("vacancy_new"),
          action: "/console/vacancies",
          values,
          error,
        }),
    );
  });

  http.post("/console/vacancies/preview", guard, (request, reply) =>
    orPage(request, reply, async () => {
      requireVacancyRole(staffOf(request));
      const swaps = previewSwaps(request, vacancyFieldsFromForm(bodyOf(request)));
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(String(swaps));
    }),
  );

  http.get("/console/vacancies/:id", guard, (request, reply) =>
    orPage(request, reply, () => vacancyPage(request, reply, idOf(request))),
  );

  http.post("/console/vacancies/:id/send", guard, (request, reply) =>
    orPage(
      request,
      reply,
      async () => {
        const notice = await sendFromPage(request, idOf(request), bodyOf(request));
        return vacancyPage(request, reply, idOf(request), notice);
      },
      (error) => vacancyPage(request, reply.code(400), idOf(request), undefined, error),
    ),
  );

  http.post("/console/vacancies/:id/visit", guard, (request, reply) =>
    orPage(
      request,
      reply,
      async () => {
        await saveVisitFromForm(request, idOf(request), request.body);
        return reply.redirect(`/console/vacancies/${idOf(request)}#visit-title`, 303);
      },
      (error) => vacancyPage(request, reply.code(400), idOf(request), undefined, error),
    ),
  );

  http.get("/console/vacancies/:id/edit", guard, (request, reply) =>
    orPage(request, reply, async () => {
      const vacancy = await vacancyForStaff(http.consoleContext.db, staffOf(request), idOf(request));
      return formPage(request, reply, {
        title: textsOf(request)("vacancy_edit"),
        action: `/console/vacancies/${vacancy.id}`,
        values: formOfVacancy(vacancy),
      });
    }),
  );

  http.post("/console/vacancies/:id", guard, (request, reply) => {
    const values = bodyOf(request);
    return orPage(
      request,
      reply,
      async () => {
        const staff = staffOf(request);
        const vacancy = await vacancyForStaff(http.consoleContext.db, staff, idOf(request));
        await updateVacancy(
          http.consoleContext.db,
          staff.organisationId,
          vacancy.id,
          vacancyFieldsFromForm(values),
        );
        return reply.redirect(`/console/vacancies/${vacancy.id}`, 303);
      },
      (error) =>
        formPage(request, reply.code(400), {
          title: textsOf(request)("vacancy_edit"),
          action: `/console/vacancies/${idOf(request)}`,
          values,
          error,
        }),
    );
  });
}
