/**
 * `GET /console/leads`: every client waiting for a counsellor, oldest first, each with the form to
 * assign it (a counsellor takes it; a coordinator chooses who); `POST /console/leads/:caseId/assign`.
 * The same domain functions as `GET /api/v1/leads` and its assign route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { assignLead, leadsForStaff, type StaffLead } from "../domain/cases/lead-assignment.ts";
import { DomainError } from "../domain/errors.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { consoleText } from "./console-context.ts";
import { languageName } from "./conversation-page.ts";
import { csrfField } from "./csrf.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { programmeName } from "./programme-name.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

const assignForm = z.object({
  counsellorEmail: z.string().max(320),
  programme: z.string().max(64).optional(),
});

export function leadPages(http: FastifyInstance): void {
  http.get("/console/leads", { preHandler: requireStaff }, async (request, reply) =>
    showLeads(request, reply),
  );
  http.post("/console/leads/:caseId/assign", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db, outbox, translator } = http.consoleContext;
    const caseId = String((request.params as { caseId: string }).caseId);
    const form = assignForm.safeParse(request.body ?? {});
    try {
      if (!form.success) throw new DomainError("invalid form");
      const programme = form.data.programme || undefined;
      await assignLead({ db, outbox, translator }, staff, caseId, {
        counsellorEmail: form.data.counsellorEmail,
        ...(programme ? { programme } : {}),
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return showLeads(
        request,
        reply.code(error.name === "NotFoundError" ? 404 : error.name === "ForbiddenError" ? 403 : 400),
        staffErrorText(request, error),
      );
    }
    return reply.redirect("/console/leads?assigned=1", 303);
  });
}

async function showLeads(request: FastifyRequest, reply: FastifyReply, error?: string) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t = (key: string, params?: Record<string, string | number>) =>
    consoleText(translator, staff.locale, key, params);
  const leads = await leadsForStaff(db, staff);
  const [programmes, counsellors] = await Promise.all([
    db.programme.findMany({ where: { organisationId: staff.organisationId }, orderBy: { name: "asc" } }),
    staff.role === "coordinator"
      ? db.counsellor.findMany({
          where: { organisationId: staff.organisationId, deactivatedAt: null, role: { not: "steward" } },
          orderBy: { name: "asc" },
        })
      : Promise.resolve([]),
  ]);
  const self = request.staffSession?.email ?? "";
  const assigned = (request.query as { assigned?: string }).assigned;
  const rows = leads.map((lead) => leadCard(request, staff, lead, { t, programmes, counsellors, self }));
  return renderPage(
    reply,
    staff,
    t("leads_title"),
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}
${assigned ? html`<p class="notice" role="status">${t("lead_assigned")}</p>` : ""}
<p class="muted">${t("leads_intro")}</p>
${leads.length ? rows : html`<p>${t("leads_none")}</p>`}`,
  );
}

function leadCard(
  request: FastifyRequest,
  staff: StaffIdentity,
  lead: StaffLead,
  ctx: {
    t: (key: string, params?: Record<string, string | number>) => string;
    programmes: { slug: string; name: string }[];
    counsellors: { email: string; name: string }[];
    self: string;
  },
) {
  const { t } = ctx;
  const { translator, config } = request.server.consoleContext;
  const when = translator.formatDateTime(lead.createdAt, staff.locale, config.TZ_DEFAULT);
  const id = `lead-${lead.caseId}`;
  const programmeSelect = html`<label for="${id}-programme">${t("programme")}</label>
<select id="${id}-programme" name="programme" ${lead.programmeSlug ? "" : "required"}>
  ${lead.programmeSlug ? "" : html`<option value="">${t("choose")}</option>`}
  ${ctx.programmes.map((p) => html`<option value="${p.slug}" ${p.slug === lead.programmeSlug ? "selected" : ""}>${p.name}</option>`)}
</select>`;
  const who =
    staff.role === "coordinator"
      ? html`<label for="${id}-counsellor">${t("counsellor")}</label>
<select id="${id}-counsellor" name="counsellorEmail" required>
  <option value="">${t("choose")}</option>
  ${ctx.counsellors.map((c) => html`<option value="${c.email}">${c.name}</option>`)}
</select>`
      : html`<input type="hidden" name="counsellorEmail" value="${ctx.self}">`;
  const form =
    staff.role === "steward"
      ? ""
      : html`<form method="post" action="/console/leads/${lead.caseId}/assign">
${csrfField(request)}${programmeSelect}${who}
<p><button type="submit">${staff.role === "coordinator" ? t("assign") : t("take_lead")}</button></p>
</form>`;
  return html`<section class="card" aria-labelledby="${id}-title">
<h2 id="${id}-title">${lead.clientName ?? t("client_without_name")}</h2>
<dl class="fields">
  <dt>${t("waiting_since")}</dt><dd>${when}</dd>
  <dt>${t("language")}</dt><dd>${lead.clientLocale ? languageName(request, staff, lead.clientLocale) : "—"}</dd>
  <dt>${t("programme")}</dt><dd>${lead.programmeSlug ? programmeName(ctx.programmes, lead.programmeSlug) : t("no_programme")}</dd>
  <dt>${t("status")}</dt><dd>${t(`status_${lead.status}`)}</dd>
</dl>
<p><a href="/console/cases/${lead.caseId}">${t("open_case")}</a></p>
${form}
</section>`;
}
