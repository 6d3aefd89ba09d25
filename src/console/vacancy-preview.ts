/**
 * The side-by-side preview of the vacancy form: per client language, the card exactly as the
 * client will see it (the same jobAlertCard and "Tell me more" the alerts send, rendered by the
 * same code, right-to-left for Arabic) with its buttons; or, when a language has no text, who
 * will not get it. `POST /console/vacancies/preview` returns every language's preview as htmx
 * out-of-band swaps, so typing in one text area never replaces what is being typed.
 */
import type { FastifyRequest } from "fastify";
import { jobAlertCard, moreInfoCard } from "../domain/vacancies/job-alerts.ts";
import type { VacancyFields } from "../domain/vacancies/vacancies.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { languageName } from "./conversation-page.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";

/** What the card needs, from fields that may still be incomplete ("…" where one is missing). */
function draftVacancy(fields: VacancyFields): Vacancy {
  const hasJob = Boolean(fields.jobCode || fields.job);
  const hasContract = Boolean(fields.contractCode || fields.contractType);
  return {
    jobCode: fields.jobCode ?? null,
    job: hasJob ? (fields.job ?? null) : "…",
    contractCode: fields.contractCode ?? null,
    contractType: hasContract ? (fields.contractType ?? null) : "…",
    contractMonths: fields.contractCode === "fixed_term" ? (fields.contractMonths ?? null) : null,
    municipality: fields.municipality || "…",
    access: fields.access ?? null,
    hours: ["full_time", "part_time", "either"].includes(fields.hours) ? fields.hours : "either",
    cvNeeded: fields.cvNeeded ?? false,
    employer: fields.employer || "…",
    employerHidden: fields.employerHidden ?? true,
    texts: fields.texts,
  } as Vacancy;
}

/** One language's preview: the card and the "Tell me more" answer, with their buttons. */
export function previewHtml(request: FastifyRequest, fields: VacancyFields, locale: string): SafeHtml {
  const staff = staffOf(request);
  const { translator } = request.server.consoleContext;
  const t = (key: string, params?: Record<string, string>) =>
    consoleText(translator, staff.locale, key, params);
  const language = languageName(request, staff, locale);
  if (!fields.texts?.[locale as keyof typeof fields.texts])
    return html`<p class="muted">${t("vacancy_no_text", { language })}</p>`;
  const draft = draftVacancy(fields);
  const rendered = renderOutputs(
    [jobAlertCard("preview", draft, locale), moreInfoCard("preview", draft)],
    locale,
    translator,
  );
  const dir = translator.dir(locale);
  const bubbles = rendered.map(
    (
      r,
      index,
    ) => html`<div class="bubble" lang="${locale}" dir="${dir}">${index === 1 ? html`<p class="muted" dir="ltr" lang="${staff.locale}">${t("vacancy_preview_more")}</p>` : ""}<p class="text">${r.message.text}</p>
<ul class="buttons" aria-label="${t("vacancy_preview_buttons")}">${(r.message.choices ?? []).map((c) => html`<li>${c.label}</li>`)}</ul></div>`,
  );
  return html`<p class="muted">${t("vacancy_preview_of", { language })}</p>${bubbles}`;
}

/** Every language's preview as out-of-band swaps (the answer to the form's htmx POST). */
export function previewSwaps(request: FastifyRequest, fields: VacancyFields): SafeHtml {
  return html`${CLIENT_LOCALES.map(
    (locale) =>
      html`<div id="preview-${locale}" class="preview" aria-live="polite" hx-swap-oob="true">${previewHtml(request, fields, locale)}</div>`,
  )}`;
}
