/** `GET /console/cases`: the organisation's cases with filters (status, programme, counsellor, place, tag, reference). */
import type { FastifyReply, FastifyRequest } from "fastify";
import { caseFilters, searchCases } from "../domain/cases/case-search.ts";
import { CASE_PIPELINE } from "../domain/cases/case-status-history.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { programmeName } from "./programme-name.ts";
import { staffOf } from "./require-staff.ts";

export async function showCaseList(request: FastifyRequest, reply: FastifyReply, error?: string) {
  const staff = staffOf(request);
  const { db, translator, config } = request.server.consoleContext;
  const t = (key: string, params?: Record<string, string | number>) =>
    consoleText(translator, staff.locale, key, params);
  const done = (request.query as { done?: unknown } | undefined)?.done;
  const notice = typeof done === "string" && LIST_NOTICES.has(done) ? t(`done_${done}`) : undefined;
  const parsed = caseFilters.safeParse(request.query ?? {});
  const filters = parsed.success ? parsed.data : {};
  const [rows, programmes, counsellors] = await Promise.all([
    searchCases(db, staff, filters),
    db.programme.findMany({ where: { organisationId: staff.organisationId }, orderBy: { name: "asc" } }),
    db.counsellor.findMany({
      where: { organisationId: staff.organisationId, role: { not: "steward" } },
      orderBy: { name: "asc" },
    }),
  ]);
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${value === current ? "selected" : ""}>${label}</option>`;
  const form = html`<form method="get" action="/console/cases" class="filters" role="search" aria-label="${t("filters")}">
<div><label for="f-q">${t("search_reference")}</label><input id="f-q" name="q" type="search" value="${filters.q ?? ""}"></div>
<div><label for="f-status">${t("status")}</label><select id="f-status" name="status">${option("", t("all"), filters.status)}${CASE_PIPELINE.map((s) => option(s, t(`status_${s}`), filters.status))}</select></div>
<div><label for="f-programme">${t("programme")}</label><select id="f-programme" name="programme">${option("", t("all"), filters.programme)}${programmes.map((p) => option(p.slug, p.name, filters.programme))}</select></div>
<div><label for="f-counsellor">${t("counsellor")}</label><select id="f-counsellor" name="counsellor">${option("", t("all"), filters.counsellor)}${option("none", t("no_counsellor"), filters.counsellor)}${counsellors.map((c) => option(c.email, c.name, filters.counsellor))}</select></div>
<div><label for="f-place">${t("place")}</label><input id="f-place" name="place" type="text" value="${filters.place ?? ""}"></div>
<div><label for="f-tag">${t("tag")}</label><input id="f-tag" name="tag" type="text" value="${filters.tag ?? ""}"></div>
<div><button type="submit">${t("apply_filters")}</button></div>
</form>`;
  const table = html`<table class="stack">
<caption class="muted">${t("cases_count", { count: rows.length })}</caption>
<thead><tr><th scope="col">${t("reference")}</th><th scope="col">${t("status")}</th><th scope="col">${t("programme")}</th><th scope="col">${t("counsellor")}</th><th scope="col">${t("place")}</th><th scope="col">${t("created")}</th></tr></thead>
<tbody>${rows.map(
    (row) => html`<tr>
<td data-label="${t("reference")}"><a href="/console/cases/${row.id}">${row.reference ?? row.clientName ?? t("case_without_reference")}</a></td>
<td data-label="${t("status")}">${t(`status_${row.status}`)}</td>
<td data-label="${t("programme")}">${row.programmeSlug ? programmeName(programmes, row.programmeSlug) : "—"}</td>
<td data-label="${t("counsellor")}">${row.counsellorName ?? t("no_counsellor")}</td>
<td data-label="${t("place")}">${row.place ?? "—"}${row.tags.length ? html` <span class="muted">${row.tags.join(", ")}</span>` : ""}</td>
<td data-label="${t("created")}">${translator.formatDate(row.createdAt, staff.locale, config.TZ_DEFAULT)}</td>
</tr>`,
  )}</tbody></table>`;
  return renderPage(
    reply,
    staff,
    t("cases_title"),
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}${openCaseForm(request, t, programmes, Boolean(error))}${form}${rows.length ? table : html`<p>${t("cases_none")}</p>`}${posterLinks(t, programmes)}`,
  );
}

/** What `?done=` may announce here: an erasure, from the case's erase page (case-erasure-pages.ts). */
const LIST_NOTICES = new Set(["client_erased", "client_already_erased"]);

/** "Open a case for someone you met": a programme and a reference; the case page shows the invite. */
function openCaseForm(
  request: FastifyRequest,
  t: (key: string) => string,
  programmes: { slug: string; name: string }[],
  open: boolean,
) {
  return html`<details class="card" ${open ? "open" : ""}><summary>${t("open_new_case")}</summary>
<form method="post" action="/console/cases">${csrfField(request)}
<label for="n-programme">${t("programme")}</label><select id="n-programme" name="programme" required>${programmes.map((p) => html`<option value="${p.slug}">${p.name}</option>`)}</select>
<label for="n-reference">${t("reference")}</label><input id="n-reference" name="reference" type="text" maxlength="100" aria-describedby="n-reference-hint">
<p id="n-reference-hint" class="muted">${t("reference_hint")}</p>
<p><button type="submit">${t("open_case_button")}</button></p></form></details>`;
}

/** Each programme with an invite code: a link to its printable poster (GET /console/programmes/:id/poster). */
function posterLinks(
  t: (key: string, params?: Record<string, string>) => string,
  programmes: { id: string; name: string; inviteCode: string | null }[],
) {
  const withCode = programmes.filter((p) => p.inviteCode);
  if (!withCode.length) return "";
  return html`<section class="card" aria-labelledby="posters-title"><h2 id="posters-title">${t("posters_title")}</h2>
<p class="muted">${t("posters_intro")}</p>
<ul>${withCode.map((p) => html`<li><a href="/console/programmes/${p.id}/poster">${t("poster_link", { programme: p.name })}</a> <span class="muted">(${p.inviteCode})</span></li>`)}</ul></section>`;
}
