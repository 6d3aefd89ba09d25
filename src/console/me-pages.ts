/**
 * The staff member's own page, `GET /console/me` ("My settings", linked from the header), with its
 * "Connect Teams" section: a code to type to the bot in Teams (`POST /console/me/teams-code`,
 * shown once), disconnecting (`POST /console/me/teams-unlink`) and the staff member's own switch
 * for Teams cards (`POST /console/me/teams-cards`, `cards=on|off`). Any role; only oneself.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { createStaffTeamsCode, STAFF_CODE_MINUTES, unlinkStaffTeams } from "../domain/staff/teams-link.ts";
import { setTeamsCards, type TeamsSettings, teamsSettings } from "../domain/staff/teams-settings.ts";
import { csrfField } from "./csrf.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

export const ME_PATH = "/console/me";

const cardsForm = z.object({ cards: z.enum(["on", "off"]) });

export function mePages(http: FastifyInstance): void {
  http.get(ME_PATH, { preHandler: requireStaff }, async (request, reply) => showMe(request, reply));
  http.post(`${ME_PATH}/teams-code`, { preHandler: requireStaff }, async (request, reply) => {
    const { db } = http.consoleContext;
    if (!teamsConfigured(request)) return showMe(request, reply.code(400));
    const code = await createStaffTeamsCode(db, staffOf(request).staffId, new Date());
    return showMe(request, reply, { code });
  });
  http.post(`${ME_PATH}/teams-unlink`, { preHandler: requireStaff }, async (request, reply) => {
    await unlinkStaffTeams(http.consoleContext.db, staffOf(request).staffId);
    return reply.redirect(`${ME_PATH}?unlinked=1`, 303);
  });
  http.post(`${ME_PATH}/teams-cards`, { preHandler: requireStaff }, async (request, reply) => {
    const form = cardsForm.safeParse(request.body ?? {});
    if (!form.success) return showMe(request, reply.code(400));
    await setTeamsCards(http.consoleContext.db, staffOf(request).staffId, form.data.cards === "on");
    return reply.redirect(`${ME_PATH}?saved=1`, 303);
  });
}

const teamsConfigured = (request: FastifyRequest) => {
  const { config } = request.server.consoleContext;
  return Boolean(config.MICROSOFT_APP_ID && config.MICROSOFT_APP_PASSWORD);
};

async function showMe(request: FastifyRequest, reply: FastifyReply, shown: { code?: string } = {}) {
  const staff = staffOf(request);
  const { translator, db } = request.server.consoleContext;
  const t = (key: string, params?: Record<string, string>) =>
    translator.t(`staff-teams.${key}`, staff.locale, params);
  const settings = await teamsSettings(db, staff.staffId);
  const query = request.query as { saved?: string; unlinked?: string };
  const notice = query.saved ? t("teams_cards_saved") : query.unlinked ? t("teams_unlinked") : "";
  const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
<section aria-labelledby="teams-heading" class="card teams">
<h2 id="teams-heading">${t("teams_heading")}</h2>
<p>${t("teams_intro")}</p>
${teamsConfigured(request) ? teamsSection(request, t, settings, shown.code) : html`<p class="muted">${t("teams_not_configured")}</p>`}
</section>`;
  return renderPage(reply, staff, t("me_title"), body);
}

type T = (key: string, params?: Record<string, string>) => string;

function teamsSection(request: FastifyRequest, t: T, settings: TeamsSettings, code: string | undefined) {
  const state = settings.linked ? t("teams_linked") : t("teams_not_linked");
  return html`<p><strong>${state}</strong></p>
${code ? html`<div class="notice" role="status"><p>${t("teams_code_shown", { minutes: String(STAFF_CODE_MINUTES) })}</p><p><code class="teams-code">${code}</code></p><p>${t("teams_code_how")}</p></div>` : ""}
<div class="actions"><form method="post" action="${ME_PATH}/teams-code">${csrfField(request)}<button type="submit"${settings.linked ? html` class="secondary"` : ""}>${settings.linked ? t("teams_new_code") : t("teams_get_code")}</button></form>
${settings.linked ? html`<form method="post" action="${ME_PATH}/teams-unlink">${csrfField(request)}<button type="submit" class="secondary">${t("teams_unlink")}</button></form>` : ""}</div>
<form method="post" action="${ME_PATH}/teams-cards">${csrfField(request)}
<fieldset class="documents"><legend>${t("teams_cards_legend")}</legend>
<label class="check"><input type="radio" name="cards" value="on"${settings.cards ? html` checked` : ""}> ${t("teams_cards_on")}</label>
<label class="check"><input type="radio" name="cards" value="off"${settings.cards ? "" : html` checked`}> ${t("teams_cards_off")}</label>
</fieldset>
<p class="muted">${t("teams_cards_rule")}</p>
<p><button type="submit">${t("teams_cards_save")}</button></p></form>`;
}
