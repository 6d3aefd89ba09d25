/**
 * Staff management for coordinators: `GET /console/staff` (the organisation's staff and the
 * invite form), `POST /console/staff/invite` (shows the one-time link once),
 * `POST /console/staff/:id/deactivate` (ends their sessions and tokens at once).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { deactivateStaff, listStaff } from "../domain/staff/staff-accounts.ts";
import { STAFF_ROLES, type StaffIdentity } from "../domain/staff/staff-identity.ts";
import { inviteLink, inviteStaff } from "../domain/staff/staff-invites.ts";
import { COUNSELLOR_LOCALES } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

export function staffPages(http: FastifyInstance): void {
  http.get("/console/staff", { preHandler: requireStaff }, async (request, reply) =>
    showStaff(request, reply),
  );
  http.post("/console/staff/invite", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db, baseUrl } = http.consoleContext;
    const form = (request.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    try {
      if (staff.role !== "coordinator") throw new ForbiddenError("Only coordinators manage staff.");
      const organisation = await db.organisation.findUniqueOrThrow({ where: { id: staff.organisationId } });
      const locale = COUNSELLOR_LOCALES.find((l) => l === text("locale"));
      const { token } = await inviteStaff(
        db,
        {
          organisationSlug: organisation.slug,
          email: text("email"),
          name: text("name"),
          role: text("role") as StaffIdentity["role"],
          ...(locale ? { locale } : {}),
        },
        staff.staffId,
      );
      return showStaff(request, reply, { link: inviteLink(baseUrl, token) });
    } catch (error) {
      return failed(request, reply, error);
    }
  });
  http.post("/console/staff/:id/deactivate", { preHandler: requireStaff }, async (request, reply) => {
    try {
      await deactivateStaff(
        http.consoleContext.db,
        staffOf(request),
        String((request.params as { id: string }).id),
      );
    } catch (error) {
      return failed(request, reply, error);
    }
    return reply.redirect("/console/staff?deactivated=1", 303);
  });
}

function failed(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
  if (error instanceof ForbiddenError) return showStaff(request, reply.code(403));
  if (error instanceof DomainError)
    return showStaff(request, reply.code(400), { error: staffErrorText(request, error) });
  throw error;
}

async function showStaff(
  request: FastifyRequest,
  reply: FastifyReply,
  shown: { link?: string; error?: string } = {},
) {
  const staff = staffOf(request);
  const t = (key: string, params?: Record<string, string>) =>
    consoleText(request.server.consoleContext.translator, staff.locale, key, params);
  if (staff.role !== "coordinator")
    return renderPage(
      reply.code(403),
      staff,
      t("staff_title"),
      html`<p class="error" role="alert">${t("coordinators_only")}</p>`,
    );
  const people = await listStaff(request.server.consoleContext.db, staff);
  const rows = people.map(
    (p) => html`<tr>
<td data-label="${t("name")}">${p.name}</td><td data-label="${t("email")}">${p.email}</td>
<td data-label="${t("role")}">${t(`role_${p.role}`)}</td>
<td data-label="${t("state")}">${!p.active ? t("deactivated") : p.signedUp ? t("active") : t("invited")}</td>
<td>${p.active && p.id !== staff.staffId ? html`<form method="post" action="/console/staff/${p.id}/deactivate">${csrfField(request)}<button type="submit" class="secondary" aria-label="${t("label_colon", { label: t("deactivate") })} ${p.name}">${t("deactivate")}</button></form>` : ""}</td>
</tr>`,
  );
  const body = html`${shown.error ? html`<p class="error" role="alert">${shown.error}</p>` : ""}
${shown.link ? html`<div class="card" role="status"><p class="notice">${t("invite_created")}</p><p><code>${shown.link}</code></p></div>` : ""}
${(request.query as { deactivated?: string }).deactivated ? html`<p class="notice" role="status">${t("staff_deactivated")}</p>` : ""}
<table class="stack"><thead><tr><th scope="col">${t("name")}</th><th scope="col">${t("email")}</th><th scope="col">${t("role")}</th><th scope="col">${t("state")}</th><th scope="col"><span class="muted">${t("actions")}</span></th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>${t("invite_staff")}</h2>
${inviteForm(request, t)}`;
  return renderPage(reply, staff, t("staff_title"), body);
}

function inviteForm(request: FastifyRequest, t: (key: string) => string): SafeHtml {
  return html`<form method="post" action="/console/staff/invite">${csrfField(request)}
<label for="i-name">${t("name")}</label><input id="i-name" name="name" type="text" required maxlength="200">
<label for="i-email">${t("email")}</label><input id="i-email" name="email" type="email" required>
<label for="i-role">${t("role")}</label><select id="i-role" name="role">${STAFF_ROLES.map((r) => html`<option value="${r}">${t(`role_${r}`)}</option>`)}</select>
<label for="i-locale">${t("language")}</label><select id="i-locale" name="locale">${COUNSELLOR_LOCALES.map((l) => html`<option value="${l}">${t(`locale_${l}`)}</option>`)}</select>
<p><button type="submit">${t("send_invite")}</button></p></form>`;
}
