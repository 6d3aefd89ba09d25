/**
 * A vacancy's facts in the counsellor's language (job and contract from the lists, hours, shifts,
 * needs, whether the employer is shown), and its card per client language as clients see it.
 */
import type { FastifyRequest } from "fastify";
import { contractOutput, jobTitleText } from "../domain/vacancies/vacancy-lists.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { T } from "./conversation-page.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";
import { previewHtml } from "./vacancy-preview.ts";

/** The facts and the cards. */
export function vacancyFacts(request: FastifyRequest, t: T, v: Vacancy): SafeHtml {
  const staff = staffOf(request);
  const { translator } = request.server.consoleContext;
  const [contract] = renderOutputs([contractOutput(v)], staff.locale, translator);
  const yes = (on: boolean) => (on ? t("yes") : t("no"));
  const needs = [
    v.dutchLevel
      ? `${t("label_colon", { label: t("vacancy_dutch") })} ${t(`vacancy_level_${v.dutchLevel}`)}`
      : "",
    v.frenchLevel
      ? `${t("label_colon", { label: t("vacancy_french") })} ${t(`vacancy_level_${v.frenchLevel}`)}`
      : "",
    v.drivingLicence ? `${t("label_colon", { label: t("vacancy_licence") })} ${v.drivingLicence}` : "",
    v.workPermit ? t("vacancy_work_permit") : "",
  ].filter(Boolean);
  const texts = (v.texts ?? {}) as Record<string, string>;
  const fields = {
    employer: v.employer,
    employerHidden: v.employerHidden,
    ...(v.jobCode ? { jobCode: v.jobCode } : { job: v.job ?? "" }),
    ...(v.contractCode ? { contractCode: v.contractCode } : { contractType: v.contractType ?? "" }),
    ...(v.contractMonths ? { contractMonths: v.contractMonths } : {}),
    municipality: v.municipality,
    ...(v.access ? { access: v.access } : {}),
    hours: v.hours,
    cvNeeded: v.cvNeeded,
    texts,
  } as Parameters<typeof previewHtml>[1];
  const cards = CLIENT_LOCALES.filter((l) => texts[l]).map(
    (locale) => html`<div class="preview lang-card">${previewHtml(request, fields, locale)}</div>`,
  );
  return html`<section class="card" aria-labelledby="facts-title"><h2 id="facts-title">${t("vacancy_facts")}</h2>
<dl class="fields">
<dt>${t("vacancy_employer")}</dt><dd>${v.employer} (${v.employerHidden ? t("vacancy_employer_hidden_note") : t("vacancy_employer_shown_note")})</dd>
<dt>${t("vacancy_job_title")}</dt><dd>${jobTitleText(v, staff.locale, translator)}${v.jobCode ? "" : html` <span class="muted">(${t("vacancy_as_written")})</span>`}</dd>
<dt>${t("vacancy_sector")}</dt><dd>${translator.t(`counsellor.code_interests_${v.sector}`, staff.locale)}</dd>
<dt>${t("vacancy_contract")}</dt><dd>${contract?.message.text ?? ""}</dd>
<dt>${t("vacancy_municipality")}</dt><dd>${v.municipality}${v.access ? ` · ${v.access}` : ""}${v.publicTransport ? "" : ` · ${t("vacancy_no_public_transport")}`}</dd>
<dt>${t("vacancy_hours")}</dt><dd>${t(`vacancy_hours_${v.hours}`)} · ${translator.formatList(
    v.shifts.map((s) => t(`vacancy_shift_${s}`)),
    staff.locale,
  )}${v.weekends ? ` · ${t("vacancy_weekends")}` : ""}</dd>
<dt>${t("vacancy_start_date")}</dt><dd>${v.startDate ? translator.formatDate(v.startDate, staff.locale, "UTC") : "—"}</dd>
<dt>${t("vacancy_places")}</dt><dd>${v.places}</dd>
<dt>${t("vacancy_needs_section")}</dt><dd>${needs.join(" · ") || "—"}</dd>
<dt>${t("vacancy_cv_needed")}</dt><dd>${yes(v.cvNeeded)}</dd>
</dl></section>
<section class="card" aria-labelledby="cards-title"><h2 id="cards-title">${t("vacancy_cards")}</h2>
<div class="lang-cards">${cards}</div></section>`;
}
