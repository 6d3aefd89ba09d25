/**
 * The vacancy form: every field a counsellor fills in (employer hidden until interest, job title
 * and contract type from the translated lists, free text only as a last resort, CV not needed
 * unless ticked), and one short text per client language beside its preview as the client will
 * see it (previews swapped in by htmx from vacancy-preview.ts). Also reads the form's body back
 * into the domain's VacancyFields (which parse them).
 */
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { VacancyFields } from "../domain/vacancies/vacancies.ts";
import { CONTRACT_TYPES, JOB_TITLE_CODES, SECTORS } from "../domain/vacancies/vacancy-lists.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { languageName, type T } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";
import { previewHtml } from "./vacancy-preview.ts";

/** A form body: urlencoded fields, repeated ones (shifts) as arrays. */
export const formBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type FormBody = z.infer<typeof formBody>;

const one = (body: FormBody, name: string): string | undefined => {
  const value = body[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
};
const many = (body: FormBody, name: string): string[] => {
  const value = body[name];
  return (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean);
};
const whole = (text: string | undefined) => (text && /^\d+$/.test(text) ? Number(text) : undefined);

/** The form's body as the domain's fields (loose: the domain's schema says what is wrong). */
export function vacancyFieldsFromForm(body: FormBody): VacancyFields {
  const optional = (name: string, key: string = name) => {
    const value = one(body, name);
    return value === undefined ? {} : { [key]: value };
  };
  const texts: Record<string, string> = {};
  for (const locale of CLIENT_LOCALES) {
    const text = one(body, `text_${locale}`);
    if (text) texts[locale] = text;
  }
  const months = whole(one(body, "contractMonths"));
  const places = whole(one(body, "places"));
  return {
    employer: one(body, "employer") ?? "",
    employerHidden: one(body, "employerShown") !== "on",
    ...(one(body, "jobCode") === "other" ? optional("jobOther", "job") : optional("jobCode")),
    ...(one(body, "contractCode") === "other"
      ? optional("contractOther", "contractType")
      : optional("contractCode")),
    ...(months !== undefined ? { contractMonths: months } : {}),
    ...optional("sector"),
    municipality: one(body, "municipality") ?? "",
    ...optional("access"),
    publicTransport: one(body, "noPublicTransport") !== "on",
    hours: (one(body, "hours") ?? "") as "either",
    shifts: many(body, "shifts") as "day"[],
    weekends: one(body, "weekends") === "on",
    ...optional("startDate"),
    ...(places !== undefined ? { places } : {}),
    ...optional("dutchLevel"),
    ...optional("frenchLevel"),
    workPermit: one(body, "noWorkPermit") !== "on",
    ...optional("drivingLicence"),
    cvNeeded: one(body, "cvNeeded") === "on",
    texts,
  } as VacancyFields;
}

/** The body a stored vacancy fills the form with (editing). */
export function formOfVacancy(v: Vacancy): FormBody {
  const body: FormBody = {
    employer: v.employer,
    jobCode: v.jobCode ?? "other",
    jobOther: v.job ?? "",
    contractCode: v.contractCode ?? "other",
    contractOther: v.contractType ?? "",
    contractMonths: v.contractMonths ? String(v.contractMonths) : "",
    sector: v.sector,
    municipality: v.municipality,
    access: v.access ?? "",
    hours: v.hours,
    shifts: v.shifts,
    startDate: v.startDate?.toISOString().slice(0, 10) ?? "",
    places: String(v.places),
    dutchLevel: v.dutchLevel ?? "",
    frenchLevel: v.frenchLevel ?? "",
    drivingLicence: v.drivingLicence ?? "",
  };
  const ticks: [string, boolean][] = [
    ["employerShown", !v.employerHidden],
    ["noPublicTransport", !v.publicTransport],
    ["weekends", v.weekends],
    ["noWorkPermit", !v.workPermit],
    ["cvNeeded", v.cvNeeded],
  ];
  for (const [name, on] of ticks) if (on) body[name] = "on";
  for (const [locale, text] of Object.entries((v.texts ?? {}) as Record<string, string>))
    body[`text_${locale}`] = text;
  return body;
}

/** Labelled controls that refill themselves from the form's values. */
function formKit(v: FormBody) {
  const val = (name: string) => one(v, name) ?? (name === "places" ? "1" : "");
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}" ${value === current ? html`selected` : ""}>${label}</option>`;
  return {
    val,
    option,
    select: (name: string, label: string, options: SafeHtml[], required = false) =>
      html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}" ${required ? html`required` : ""}>${options}</select></div>`,
    input: (name: string, label: string, attrs: SafeHtml = html`type="text"`) =>
      html`<div class="field"><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" value="${val(name)}" ${attrs}></div>`,
    check: (name: string, label: string) =>
      html`<div class="check"><input type="checkbox" id="f-${name}" name="${name}" ${one(v, name) === "on" ? html`checked` : ""}><label for="f-${name}">${label}</label></div>`,
  };
}
type Kit = ReturnType<typeof formKit>;

/** A list's options: "choose", its codes in the staff member's language, then the last resort. */
function listOptions(
  kit: Kit,
  t: T,
  name: string,
  codes: readonly string[],
  label: (code: string) => string,
) {
  return [
    kit.option("", t("choose"), kit.val(name)),
    ...codes.map((c) => kit.option(c, label(c), kit.val(name))),
    kit.option("other", t("vacancy_other_last_resort"), kit.val(name)),
  ];
}

function jobFieldset(request: FastifyRequest, kit: Kit, t: T): SafeHtml {
  const staff = staffOf(request);
  const { translator } = request.server.consoleContext;
  const label = (key: string) => translator.t(key, staff.locale);
  const sectors = [
    kit.option("", t("vacancy_sector_of_job"), kit.val("sector")),
    ...SECTORS.map((s) => kit.option(s, label(`counsellor.code_interests_${s}`), kit.val("sector"))),
  ];
  return html`<fieldset class="card"><legend>${t("vacancy_job_section")}</legend>
<div class="params">
${kit.input("employer", t("vacancy_employer"), html`type="text" required maxlength="120"`)}
${kit.select(
  "jobCode",
  t("vacancy_job_title"),
  listOptions(kit, t, "jobCode", JOB_TITLE_CODES, (c) => label(`vacancy.title_${c}`)),
  true,
)}
${kit.input("jobOther", t("vacancy_job_free"), html`type="text" maxlength="120"`)}
${kit.select("sector", t("vacancy_sector"), sectors)}
</div>
${kit.check("employerShown", t("vacancy_employer_shown"))}
<div class="params">
${kit.select(
  "contractCode",
  t("vacancy_contract"),
  listOptions(kit, t, "contractCode", CONTRACT_TYPES, (c) => label(`vacancy.contract_${c}`)),
  true,
)}
${kit.input("contractMonths", t("vacancy_contract_months"), html`type="number" min="1" max="60"`)}
${kit.input("contractOther", t("vacancy_contract_free"), html`type="text" maxlength="60"`)}
${kit.input("startDate", t("vacancy_start_date"), html`type="date"`)}
${kit.input("places", t("vacancy_places"), html`type="number" min="1" max="500"`)}
</div>
</fieldset>`;
}

function whereFieldset(kit: Kit, t: T, v: FormBody): SafeHtml {
  const hours = ["full_time", "part_time", "either"].map((h) =>
    kit.option(h, t(`vacancy_hours_${h}`), kit.val("hours") || "full_time"),
  );
  const shifts = many(v, "shifts").length ? many(v, "shifts") : ["day"];
  const shiftBoxes = ["day", "evening", "night"].map(
    (s) =>
      html`<div class="check"><input type="checkbox" id="f-shift-${s}" name="shifts" value="${s}" ${shifts.includes(s) ? html`checked` : ""}><label for="f-shift-${s}">${t(`vacancy_shift_${s}`)}</label></div>`,
  );
  return html`<fieldset class="card"><legend>${t("vacancy_where_section")}</legend>
<div class="params">
${kit.input("municipality", t("vacancy_municipality"), html`type="text" required maxlength="80"`)}
${kit.input("access", t("vacancy_access"), html`type="text" maxlength="200"`)}
</div>
${kit.check("noPublicTransport", t("vacancy_no_public_transport"))}
<div class="params">${kit.select("hours", t("vacancy_hours"), hours, true)}</div>
<fieldset><legend>${t("vacancy_shifts")}</legend><div class="params">${shiftBoxes}</div></fieldset>
${kit.check("weekends", t("vacancy_weekends"))}
</fieldset>`;
}

function needsFieldset(kit: Kit, t: T): SafeHtml {
  const levels = (name: string) => [
    kit.option("", t("vacancy_level_any"), kit.val(name)),
    ...["basic", "good", "fluent"].map((l) => kit.option(l, t(`vacancy_level_${l}`), kit.val(name))),
  ];
  return html`<fieldset class="card"><legend>${t("vacancy_needs_section")}</legend>
<div class="params">
${kit.select("dutchLevel", t("vacancy_dutch"), levels("dutchLevel"))}
${kit.select("frenchLevel", t("vacancy_french"), levels("frenchLevel"))}
${kit.input("drivingLicence", t("vacancy_licence"), html`type="text" maxlength="3" pattern="[A-Za-z]{1,3}"`)}
</div>
${kit.check("noWorkPermit", t("vacancy_no_work_permit"))}
${kit.check("cvNeeded", t("vacancy_cv_needed"))}
</fieldset>`;
}

function textsFieldset(request: FastifyRequest, kit: Kit, t: T, v: FormBody): SafeHtml {
  const staff = staffOf(request);
  const { translator } = request.server.consoleContext;
  const fields = vacancyFieldsFromForm(v);
  const rows = CLIENT_LOCALES.map((locale) => {
    const name = languageName(request, staff, locale);
    return html`<div class="lang-row">
<div class="field"><label for="f-text_${locale}">${t("vacancy_text_in", { language: name })}</label>
<textarea id="f-text_${locale}" name="text_${locale}" rows="3" maxlength="1000" lang="${locale}" dir="${translator.dir(locale)}">${kit.val(`text_${locale}`)}</textarea></div>
<div id="preview-${locale}" class="preview" aria-live="polite">${previewHtml(request, fields, locale)}</div>
</div>`;
  });
  return html`<fieldset class="card"><legend>${t("vacancy_texts_section")}</legend>
<p class="muted">${t("vacancy_texts_hint")}</p>
${rows}
</fieldset>`;
}

/** The whole form; `values` refill it after an error or when editing. */
export function vacancyForm(
  request: FastifyRequest,
  t: T,
  options: { action: string; values: FormBody; submitLabel: string },
): SafeHtml {
  const v = options.values;
  const kit = formKit(v);
  return html`<form id="vacancy-form" method="post" action="${options.action}" hx-post="/console/vacancies/preview" hx-trigger="input delay:500ms, change" hx-swap="none">
${csrfField(request)}
${jobFieldset(request, kit, t)}
${whereFieldset(kit, t, v)}
${needsFieldset(kit, t)}
${textsFieldset(request, kit, t, v)}
<p><button type="submit">${options.submitLabel}</button></p>
</form>`;
}
