/**
 * `GET /console/cases/:id`: one case — its fields, the status pipeline with who changed it when,
 * the self-assessment in the staff member's language (not for stewards), appointments,
 * placements with their check-ins, private notes, and the invite link with a QR code while the
 * client has not used it. `POST /console/cases/:id/notes` adds a note.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { inviteLinks } from "../cli/invite-links.ts";
import { inviteQrDataUrl, qrLink } from "../cli/invite-qr.ts";
import { assessmentView } from "../domain/assessment/assessment-view.ts";
import type { CaseOverview } from "../domain/assessment/case-overview.ts";
import { caseForStaff } from "../domain/cases/case-access.ts";
import { caseNotes } from "../domain/cases/case-notes.ts";
import { CASE_PIPELINE, statusHistory } from "../domain/cases/case-status-history.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

export async function showCase(request: FastifyRequest, reply: FastifyReply, caseId: string, error?: string) {
  const staff = staffOf(request);
  const { db, translator, config } = request.server.consoleContext;
  const t: T = (key, params) => consoleText(translator, staff.locale, key, params);
  const when = (date: Date) => translator.formatDateTime(date, staff.locale, config.TZ_DEFAULT);
  const overview = await caseForStaff(db, staff, caseId);
  const [history, notes, full] = await Promise.all([
    statusHistory(db, caseId),
    caseNotes(db, caseId),
    db.case.findUniqueOrThrow({
      where: { id: caseId },
      select: {
        inviteCode: true,
        place: true,
        tags: true,
        appointments: { orderBy: { startsAt: "asc" } },
        placements: { orderBy: { startDate: "desc" }, include: { checkIns: { orderBy: { dueAt: "asc" } } } },
      },
    }),
  ]);
  const c = overview.case;
  const pipeline = html`<ol class="pipeline" aria-label="${t("pipeline")}">${CASE_PIPELINE.map((step) => {
    const reached = CASE_PIPELINE.indexOf(step) <= CASE_PIPELINE.indexOf(c.status);
    return html`<li class="${reached ? "reached" : ""}" ${step === c.status ? html`aria-current="step"` : ""}>${t(`status_${step}`)}</li>`;
  })}</ol>
<ul>${history.map((h) => html`<li>${h.from ? t(`status_${h.from}`) : "—"} → ${t(`status_${h.to}`)} · ${h.actorName ?? t("by_bot")} · ${when(h.at)}</li>`)}</ul>`;
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}
<dl class="fields">
  <dt>${t("status")}</dt><dd>${t(`status_${c.status}`)}</dd>
  <dt>${t("programme")}</dt><dd>${c.programmeName ?? t("no_programme")}</dd>
  <dt>${t("counsellor")}</dt><dd>${c.counsellorName ?? t("no_counsellor")}</dd>
  <dt>${t("place")}</dt><dd>${full.place ?? "—"}</dd>
  <dt>${t("tags")}</dt><dd>${full.tags.join(", ") || "—"}</dd>
  <dt>${t("language")}</dt><dd>${c.clientLocale ?? "—"}</dd>
  <dt>${t("created")}</dt><dd>${when(c.createdAt)}</dd>
  <dt>${t("linked")}</dt><dd>${c.linkedAt ? when(c.linkedAt) : t("not_yet")}</dd>
</dl>
<h2>${t("pipeline")}</h2>${pipeline}
${staff.role === "steward" ? "" : html`<h2>${t("assessment")}</h2>${assessmentSection(request, overview, t)}`}
<h2>${t("appointments")}</h2>
${full.appointments.length ? html`<ul>${full.appointments.map((a) => html`<li>${when(a.startsAt)} · ${t(`purpose_${a.purpose}`)} · ${a.location} · ${t(`appointment_${a.status}`)}${a.response ? html` · ${t(`response_${a.response}`)}` : ""}</li>`)}</ul>` : html`<p class="muted">${t("none")}</p>`}
<h2>${t("placements")}</h2>
${
  full.placements.length
    ? full.placements.map(
        (
          p,
        ) => html`<div class="card"><p><strong>${p.job}</strong> · ${p.employer} · ${translator.formatDate(p.startDate, staff.locale, "UTC")}</p>
<ul>${p.checkIns.map((ci) => html`<li>${t(`checkin_${ci.point}`)} · ${ci.answeredAt ? `${t("answered")} ${ci.mood ? `(${ci.mood}/5)` : ""}` : ci.sentAt ? t("sent") : t("planned")}${ci.escalated ? html` · <strong>${t("escalated")}</strong>` : ""}</li>`)}</ul></div>`,
      )
    : html`<p class="muted">${t("none")}</p>`
}
<h2>${t("notes")}</h2>
<form method="post" action="/console/cases/${caseId}/notes">${csrfField(request)}
<label for="note">${t("new_note")}</label><textarea id="note" name="text" rows="3" required maxlength="4000"></textarea>
<p class="muted">${t("notes_private")}</p><p><button type="submit">${t("add_note")}</button></p></form>
${notes.map((n) => html`<div class="card"><p class="muted">${n.authorName ?? "—"} · ${when(n.createdAt)}</p><p>${n.text}</p></div>`)}
${full.inviteCode ? await inviteSection(request, full.inviteCode, t) : ""}`;
  return renderPage(reply, staff, t("case_title", { reference: c.reference ?? c.id }), body);
}

function assessmentSection(request: FastifyRequest, overview: CaseOverview, t: T): SafeHtml {
  const { flows, translator } = request.server.consoleContext;
  if (overview.assessmentWithheld) return html`<p class="muted">${t("assessment_withheld")}</p>`;
  const stored = overview.assessment;
  if (!stored) return html`<p class="muted">${t("assessment_none")}</p>`;
  const flow =
    flows.version(stored.flowId, stored.flowVersion) ??
    (flows.has(stored.flowId) ? flows.latest(stored.flowId) : undefined);
  if (!flow) return html`<p class="muted">${t("assessment_none")}</p>`;
  const view = assessmentView({
    flow,
    answers: stored.answers,
    readiness: stored.readiness,
    translator,
    locale: overview.counsellorLocale,
  });
  return html`${[...view.sections, view.readiness].map(
    (section) =>
      html`<h3>${section.title}</h3><dl class="fields">${section.lines.map((line) => html`<dt>${line.label}</dt><dd>${line.value}</dd>`)}</dl>`,
  )}`;
}

async function inviteSection(request: FastifyRequest, code: string, t: T): Promise<SafeHtml> {
  const links = inviteLinks(code, request.server.consoleContext.config);
  const link = qrLink(links);
  if (!link) return html`<h2>${t("invite")}</h2><p>${t("invite_code")}: <code>${code}</code></p>`;
  const qr = await inviteQrDataUrl(link);
  return html`<h2>${t("invite")}</h2>
<p>${t("invite_intro")}</p>
<p><a href="${link}">${link}</a></p>
<p class="qr"><img src="${qr}" alt="${t("invite_qr_alt")}"></p>`;
}
