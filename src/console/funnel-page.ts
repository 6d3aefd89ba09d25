/**
 * `GET /console/funnel`: the coordinator's funnel of a programme (or of all the organisation's)
 * with exact numbers: the filters, the funnel and the monthly trend as SVG charts, the table, the
 * drop-outs, the ESF-style results, and links to the CSV that may leave the organisation
 * (`/api/v1/funnel.csv`, small numbers protected). Another role gets 403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.ts";
import { loadFunnel } from "../domain/funnel/funnel-store.ts";
import type { FunnelReport } from "../domain/funnel/funnel-types.ts";
import { formatPercent } from "../i18n/percent.ts";
import { consoleText } from "./console-context.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { funnelChart, trendChart } from "./funnel-charts.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;
const FIELDS = ["programme", "from", "to", "counsellor", "language", "place"] as const;

export function funnelPage(http: FastifyInstance): void {
  http.get("/console/funnel", { preHandler: requireStaff }, async (request, reply) =>
    showFunnel(request, reply),
  );
}

async function showFunnel(request: FastifyRequest, reply: FastifyReply) {
  const staff = staffOf(request);
  const { db, translator, config } = request.server.consoleContext;
  const t: T = (key, params) => consoleText(translator, staff.locale, key, params);
  if (staff.role !== "coordinator")
    return renderPage(
      reply.code(403),
      staff,
      t("funnel_title"),
      html`<p class="error" role="alert">${t("coordinators_only")}</p>`,
    );
  const raw = request.query as Record<string, unknown>;
  const query = Object.fromEntries(
    FIELDS.map((f) => [f, typeof raw[f] === "string" && raw[f] ? String(raw[f]) : undefined]).filter(
      ([, v]) => v,
    ),
  ) as Record<(typeof FIELDS)[number], string | undefined>;
  const [programmes, counsellors] = await Promise.all([
    db.programme.findMany({ where: { organisationId: staff.organisationId }, orderBy: { name: "asc" } }),
    db.counsellor.findMany({ where: { organisationId: staff.organisationId }, orderBy: { name: "asc" } }),
  ]);
  let body: SafeHtml;
  try {
    const loaded = await loadFunnel(db, {
      organisationId: staff.organisationId,
      query,
      defaultTimeZone: config.TZ_DEFAULT,
    });
    body = report(loaded.report, query, t, staff.locale);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    reply.code(error.name === "NotFoundError" ? 404 : 400);
    body = html`<p class="error" role="alert">${staffErrorText(request, error)}</p>`;
  }
  const form = filters(query, programmes, counsellors, t);
  return renderPage(
    reply,
    staff,
    t("funnel_title"),
    html`<p class="muted">${t("funnel_intro")}</p>${form}${body}`,
  );
}

function filters(
  query: Record<string, string | undefined>,
  programmes: { slug: string; name: string }[],
  counsellors: { email: string; name: string }[],
  t: T,
): SafeHtml {
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}" ${selected === value ? html`selected` : ""}>${label}</option>`;
  const text = (name: string, type: string) =>
    html`<label>${t(`funnel_${name}`)} <input type="${type}" name="${name}" value="${query[name] ?? ""}"></label>`;
  return html`<form method="get" action="/console/funnel" class="funnel-filters card">
<label>${t("funnel_programme")} <select name="programme">${option("", t("funnel_all_programmes"), query.programme ?? "")}${programmes.map((p) => option(p.slug, p.name, query.programme))}</select></label>
${text("from", "date")}${text("to", "date")}
<label>${t("funnel_counsellor")} <select name="counsellor">${option("", t("funnel_anyone"), query.counsellor ?? "")}${counsellors.map((c) => option(c.email, c.name, query.counsellor))}</select></label>
${text("language", "text")}${text("place", "text")}
<button type="submit">${t("funnel_show")}</button>
</form>`;
}

function report(r: FunnelReport, query: Record<string, string | undefined>, t: T, locale: string): SafeHtml {
  const show = (n: number | null) => (n === null ? t("funnel_unknown") : String(n));
  const pct = (ratio: number | null) => (ratio === null ? "–" : formatPercent(ratio, locale, 1));
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])),
  );
  const csv = `/api/v1/funnel.csv?${params}`;
  const steps = r.steps.map(
    (
      s,
    ) => html`<tr><th scope="row">${t(`funnel_step_${s.step}`)}</th><td data-label="${t("funnel_count")}">${show(s.count)}</td>
<td data-label="${t("funnel_of")}">${show(s.eligible)}</td><td data-label="${t("funnel_conversion")}">${pct(s.conversion)}</td>
<td data-label="${t("funnel_median_days")}">${s.medianDays === null ? "–" : `${s.medianDays} (${s.medianOf})`}</td></tr>`,
  );
  const drops = r.dropOuts.map(
    (d) =>
      html`<tr><th scope="row">${t(`funnel_step_${d.step}`)}</th><td data-label="${t("funnel_count")}">${show(d.count)}</td></tr>`,
  );
  const res = r.results;
  return html`<p class="muted">${t("funnel_as_of", { today: r.today })}</p>
<h2>${t("funnel_chart_title")}</h2>
${funnelChart(r, t, locale)}
<h2>${t("funnel_trend_title")}</h2>
${trendChart(r, t)}
<h2>${t("funnel_table_title")}</h2>
<table class="stack"><thead><tr><th scope="col">${t("funnel_step")}</th><th scope="col">${t("funnel_count")}</th><th scope="col">${t("funnel_of")}</th><th scope="col">${t("funnel_conversion")}</th><th scope="col">${t("funnel_median_days")}</th></tr></thead>
<tbody>${steps}</tbody></table>
<h2>${t("funnel_dropouts_title")}</h2>
<table class="stack"><thead><tr><th scope="col">${t("funnel_left_after")}</th><th scope="col">${t("funnel_count")}</th></tr></thead><tbody>${drops}</tbody></table>
<h2>${t("funnel_results_title")}</h2>
<ul>
<li>${t("funnel_leavers", { count: res.leavers })}</li>
<li>${t("funnel_result_4w", { count: res.inEmploymentOrTraining4Weeks.count, due: res.inEmploymentOrTraining4Weeks.due })}</li>
<li>${t("funnel_result_6m", { count: res.inEmployment6Months.count, due: res.inEmployment6Months.due })}</li>
</ul>
<p class="muted">${t("funnel_not_computed")}</p>
<h2>${t("funnel_export_title")}</h2>
<p>${t("funnel_export_note")}</p>
<ul><li><a href="${csv}">${t("funnel_csv_figures")}</a></li><li><a href="${csv}${params.size ? "&" : ""}rows=cases">${t("funnel_csv_cases")}</a></li></ul>`;
}
