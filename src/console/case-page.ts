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
import { caseClientName } from "../domain/cases/client-names.ts";
import { lastChannel } from "../domain/cases/last-channel.ts";
import { listTasks } from "../domain/tasks/tasks.ts";
import { appointmentSection, caseZone } from "./appointment-section.ts";
import { erasureSection } from "./case-erasure-pages.ts";
import { consoleText } from "./console-context.ts";
import { languageName } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { type PageTitle, renderPage } from "./layout.ts";
import { placementSection } from "./placement-section.ts";
import { staffOf } from "./require-staff.ts";
import { colleaguesOf, taskCard } from "./task-card.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

export async function showCase(request: FastifyRequest, reply: FastifyReply, caseId: string, error?: string) {
  const staff = staffOf(request);
  const { db, translator, config } = request.server.consoleContext;
  const t: T = (key, params) => consoleText(translator, staff.locale, key, params);
  const when = (date: Date) => translator.formatDateTime(date, staff.locale, config.TZ_DEFAULT);
  const overview = await caseForStaff(db, staff, caseId);
  const [history, notes, full, channel, clientName] = await Promise.all([
    statusHistory(db, caseId),
    caseNotes(db, caseId),
    db.case.findUniqueOrThrow({
      where: { id: caseId },
      select: {
        inviteCode: true,
        counsellorId: true,
        place: true,
        tags: true,
        appointments: { orderBy: { startsAt: "asc" } },
        placements: { orderBy: { startDate: "desc" }, include: { checkIns: { orderBy: { dueAt: "asc" } } } },
      },
    }),
    lastChannel(db, caseId),
    caseClientName(db, caseId),
  ]);
  const zone = await caseZone(request, caseId);
  const done = (request.query as { done?: unknown } | undefined)?.done;
  const notice = typeof done === "string" && CASE_NOTICES.has(done) ? t(`done_${done}`) : undefined;
  const c = overview.case;
  const pipeline = html`<ol class="pipeline" aria-label="${t("pipeline")}">${CASE_PIPELINE.map((step) => {
    const reached = CASE_PIPELINE.indexOf(step) <= CASE_PIPELINE.indexOf(c.status);
    return html`<li class="${reached ? "reached" : ""}" ${step === c.status ? html`aria-current="step"` : ""}>${t(`status_${step}`)}</li>`;
  })}</ol>
<ul>${history.map((h) => html`<li>${h.from ? t(`status_${h.from}`) : "—"} → ${t(`status_${h.to}`)} · ${h.actorName ?? t("by_bot")} · ${when(h.at)}</li>`)}</ul>`;
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
<dl class="fields">
  <dt>${t("status")}</dt><dd>${t(`status_${c.status}`)}</dd>
  <dt>${t("programme")}</dt><dd>${c.programmeName ?? t("no_programme")}</dd>
  <dt>${t("counsellor")}</dt><dd>${c.counsellorName ?? t("no_counsellor")}</dd>
  <dt>${t("place")}</dt><dd>${full.place ?? "—"}</dd>
  <dt>${t("tags")}</dt><dd>${full.tags.join(", ") || "—"}</dd>
  <dt>${t("language")}</dt><dd>${languageName(request, staff, c.clientLocale)}</dd>
  <dt>${t("last_channel")}</dt><dd>${channel ? t(`channel_${channel}`) : "—"}</dd>
  <dt>${t("created")}</dt><dd>${when(c.createdAt)}</dd>
  <dt>${t("linked")}</dt><dd>${c.linkedAt ? when(c.linkedAt) : t("not_yet")}</dd>
</dl>
<h2>${t("pipeline")}</h2>${pipeline}
${staff.role === "steward" ? "" : html`<h2>${t("assessment")}</h2>${assessmentSection(request, overview, t)}`}
${await appointmentSection(request, t, caseId, full.appointments)}
${placementSection(request, t, caseId, full.placements, zone)}
${await caseTaskSection(request, t, caseId)}
<h2>${t("notes")}</h2>
<form method="post" action="/console/cases/${caseId}/notes">${csrfField(request)}
<label for="note">${t("new_note")}</label><textarea id="note" name="text" rows="3" required maxlength="4000"></textarea>
<p class="muted">${t("notes_private")}</p><p><button type="submit">${t("add_note")}</button></p></form>
${notes.map((n) => html`<div class="card"><p class="muted">${n.authorName ?? "—"} · ${when(n.createdAt)}</p><p>${n.text}</p></div>`)}
${full.inviteCode ? await inviteSection(request, full.inviteCode, t) : ""}
${erasureSection(request, t, caseId, { counsellorId: full.counsellorId, clientLinked: c.clientLinked })}`;
  return renderPage(reply, staff, caseTitle(t, c.reference ?? c.id, clientName), body);
}

/** The case's heading; its tab led by the client's name (while it may be shown), to tell it from other cases. */
function caseTitle(t: T, reference: string, clientName: string | null): PageTitle {
  const heading = t("case_title", { reference });
  return { heading, tab: clientName ? `${clientName} · ${heading}` : heading };
}

/** What `?done=` may announce after a form on this page. */
const CASE_NOTICES = new Set([
  "appointment_created",
  "appointment_moved",
  "appointment_cancelled",
  "placement_recorded",
  "placement_ended",
  "task_reassigned",
]);

/** The case's open tasks, each with done and reassign (the answer comes back here). */
async function caseTaskSection(request: FastifyRequest, t: T, caseId: string): Promise<SafeHtml> {
  const staff = staffOf(request);
  const { db } = request.server.consoleContext;
  const [tasks, colleagues] = await Promise.all([
    listTasks(db, { organisationId: staff.organisationId, caseIds: [caseId] }),
    colleaguesOf(db, staff),
  ]);
  return html`<h2 id="tasks">${t("case_tasks")}</h2>
${tasks.length ? html`<ul class="tasks">${tasks.map((task) => taskCard(request, t, task, colleagues, caseId))}</ul>` : html`<p class="muted">${t("tasks_none")}</p>`}`;
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
  if (!link)
    return html`<h2>${t("invite")}</h2><p>${t("label_colon", { label: t("invite_code") })} <code>${code}</code></p>`;
  const qr = await inviteQrDataUrl(link);
  return html`<h2>${t("invite")}</h2>
<p>${t("invite_intro")}</p>
<p><a href="${link}">${link}</a></p>
<p class="qr"><img src="${qr}" alt="${t("invite_qr_alt")}"></p>`;
}
