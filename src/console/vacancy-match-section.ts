/**
 * On a vacancy's page: who matches, ranked, with why in the counsellor's language and the language
 * the card would reach them in; those left out with why (a tick adds someone left out for fit
 * only, never for the law or the client's wish); sending to the ticked people (job alerts go
 * through the outbox, never twice); then the answers — interested (each a task), "not for me"
 * with why, asked for more, no answer yet, waiting for the weekly digest.
 */
import type { FastifyRequest } from "fastify";
import { type CandidateRow, vacancyCandidates } from "../domain/vacancies/vacancy-candidates.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { renderOutputs } from "../i18n/render.ts";
import { languageName, type T } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";

/** The notes of a row as one line in the staff member's language. */
function notesLine(request: FastifyRequest, row: CandidateRow): string {
  const { translator } = request.server.consoleContext;
  const locale = staffOf(request).locale;
  return renderOutputs(row.notes, locale, translator)
    .map((r) => r.message.text)
    .join(" · ");
}

function alertState(request: FastifyRequest, t: T, row: CandidateRow): SafeHtml {
  const { translator } = request.server.consoleContext;
  const alert = row.alert;
  if (!alert) return html``;
  const why = alert.declineReason
    ? ` (${translator.t(`jobs.why_${alert.declineReason}`, staffOf(request).locale)})`
    : "";
  return html`<p class="alert-state"><strong>${t(`match_alert_${alert.status}`)}${why}</strong>${alert.taskId ? html` · <a href="/console/tasks">${t("match_task")}</a>` : ""}</p>`;
}

function candidateItem(request: FastifyRequest, t: T, row: CandidateRow): SafeHtml {
  const staff = staffOf(request);
  const id = `match-${row.caseId}`;
  const language = row.locale
    ? t("match_in_language", { language: languageName(request, staff, row.locale) })
    : t("match_no_text");
  const tickable = !row.alert && (row.included || row.mayBeAdded);
  const shown = row.name ?? t("match_unnamed");
  const name = html`<a href="/console/cases/${row.caseId}">${t("match_open_case", { name: shown })}</a>`;
  const head = tickable
    ? html`<div class="check"><input type="checkbox" id="${id}" name="send" value="${row.caseId}" ${row.included ? html`checked` : ""}><label for="${id}">${row.included ? t("match_send_to", { name: shown }) : t("match_add", { name: shown })}</label></div><p>${name}</p>`
    : html`<p>${name}</p>`;
  return html`<li class="card ${row.included ? "included" : "left-out"}">${head}
<p class="reasons">${row.included ? html`<span class="score">${t("match_score", { score: row.score ?? 0 })}</span> · ` : ""}${notesLine(request, row)}</p>
<p class="muted">${language}</p>${alertState(request, t, row)}</li>`;
}

/** The section, with the send form. */
export async function matchSection(request: FastifyRequest, t: T, vacancy: Vacancy): Promise<SafeHtml> {
  const { db, config } = request.server.consoleContext;
  const rows = await vacancyCandidates(db, vacancy, { timeZone: config.TZ_DEFAULT });
  const included = rows.filter((r) => r.included);
  const leftOut = rows.filter((r) => !r.included);
  const answered = rows.filter((r) => r.alert);
  const count = (status: string) => answered.filter((r) => r.alert?.status === status).length;
  const open = vacancy.status === "open";
  return html`<section class="card" aria-labelledby="match-title"><h2 id="match-title">${t("match_title")}</h2>
${rows.length ? "" : html`<p>${t("match_none")}</p>`}
<form method="post" action="/console/vacancies/${vacancy.id}/send">${csrfField(request)}
${included.length ? html`<h3>${t("match_included", { count: included.length })}</h3><ul class="tasks">${included.map((r) => candidateItem(request, t, r))}</ul>` : ""}
${leftOut.length ? html`<h3>${t("match_left_out", { count: leftOut.length })}</h3><ul class="tasks">${leftOut.map((r) => candidateItem(request, t, r))}</ul>` : ""}
${open && rows.some((r) => !r.alert && (r.included || r.mayBeAdded)) ? html`<p><button type="submit">${t("match_send")}</button></p><p class="muted">${t("match_send_hint")}</p>` : ""}
</form></section>
<section class="card" aria-labelledby="answers-title"><h2 id="answers-title">${t("answers_title")}</h2>
<p>${t("answers_counts", { interested: count("interested"), declined: count("not_for_me"), more: count("more_info"), waiting: count("sent"), digest: count("digest_pending") })}</p>
</section>`;
}
