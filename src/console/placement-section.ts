/**
 * The case page's placements: each with its check-ins (planned, sent, answered, escalated) and,
 * while active, the form to end it; then the form to record a new one. The forms post to
 * placement-pages.ts, which calls the domain behind the retention check-ins (as the CLI does).
 */
import type { FastifyRequest } from "fastify";
import type { CheckIn, Placement } from "../generated/prisma/client.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;
type PlacementWithCheckIns = Placement & { checkIns: CheckIn[] };

/** A @db.Date column as YYYY-MM-DD. */
const day = (date: Date) => date.toISOString().slice(0, 10);

export function placementSection(
  request: FastifyRequest,
  t: T,
  caseId: string,
  placements: PlacementWithCheckIns[],
  zone: string,
): SafeHtml {
  return html`<h2 id="placements">${t("placements")}</h2>
${placements.length ? html`<ul class="placements">${placements.map((p) => placementCard(request, t, p, zone))}</ul>` : html`<p class="muted">${t("none")}</p>`}
${newPlacementForm(request, t, caseId)}`;
}

function checkInLine(request: FastifyRequest, t: T, c: CheckIn, zone: string): SafeHtml {
  const { translator } = request.server.consoleContext;
  const locale = staffOf(request).locale;
  const state = c.answeredAt
    ? `${t("answered")}${c.mood ? ` (${c.mood}/5)` : ""}`
    : c.sentAt
      ? t("sent")
      : `${t("planned")} · ${translator.formatDateTime(c.dueAt, locale, zone)}`;
  return html`<li>${t(`checkin_${c.point}`)} · ${state}${c.escalated ? html` · <strong>${t("escalated")}</strong>` : ""}</li>`;
}

function placementCard(request: FastifyRequest, t: T, p: PlacementWithCheckIns, zone: string): SafeHtml {
  const { translator } = request.server.consoleContext;
  const locale = staffOf(request).locale;
  const id = `placement-${p.id}`;
  const ended = p.status === "ended";
  return html`<li class="card" aria-labelledby="${id}-title">
<h3 id="${id}-title">${p.job} · ${p.employer}</h3>
<dl class="fields">
  <dt>${t("contract")}</dt><dd>${p.contractType}</dd>
  <dt>${t("start_date")}</dt><dd>${translator.formatDate(p.startDate, locale, "UTC")}</dd>
  <dt>${t("status")}</dt><dd>${ended ? t("placement_ended_on", { date: p.endedOn ? translator.formatDate(p.endedOn, locale, "UTC") : "—" }) : t("placement_active")}</dd>
</dl>
<ul>${p.checkIns.map((c) => checkInLine(request, t, c, zone))}</ul>
${
  ended
    ? ""
    : html`<form method="post" action="/console/placements/${p.id}/end">${csrfField(request)}
<label for="${id}-end">${t("ended_on")}</label><input id="${id}-end" type="date" name="endedOn" required min="${day(p.startDate)}">
<p class="muted">${t("end_placement_intro")}</p>
<p><button type="submit" class="secondary">${t("end_placement")}</button></p></form>`
}
</li>`;
}

function newPlacementForm(request: FastifyRequest, t: T, caseId: string): SafeHtml {
  return html`<form class="card" method="post" action="/console/cases/${caseId}/placements" aria-labelledby="new-placement-title">${csrfField(request)}
<h3 id="new-placement-title">${t("record_placement")}</h3>
<label for="pl-employer">${t("employer")}</label><input id="pl-employer" type="text" name="employer" required maxlength="120">
<label for="pl-job">${t("job")}</label><input id="pl-job" type="text" name="job" required maxlength="120">
<label for="pl-contract">${t("contract")}</label><input id="pl-contract" type="text" name="contractType" required maxlength="60" list="pl-contracts">
<datalist id="pl-contracts">${["permanent", "fixed-term", "interim", "art. 60"].map((c) => html`<option value="${c}"></option>`)}</datalist>
<label for="pl-start">${t("start_date")}</label><input id="pl-start" type="date" name="startDate" required>
<p class="muted">${t("record_placement_intro")}</p>
<p><button type="submit">${t("record_placement")}</button></p>
</form>`;
}
