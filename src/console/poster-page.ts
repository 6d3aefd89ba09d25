/**
 * A printable poster for a programme's invite code (`GET /console/programmes/:id/poster`): the
 * programme's name, a large QR code that opens the bot (the Telegram deep link), the code itself,
 * and one line in every client language saying what to do. Behind sign-in; a programme of another
 * organisation is a 404, like one that does not exist.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { inviteLinks } from "../cli/invite-links.ts";
import { inviteQrDataUrl, qrLink } from "../cli/invite-qr.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import { consoleText } from "./console-context.ts";
import { html } from "./html.ts";
import { consoleHeaders, documentHtml, tabTitle } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

export function posterPage(http: FastifyInstance): void {
  http.get("/console/programmes/:id/poster", { preHandler: requireStaff }, showPoster);
}

async function showPoster(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const staff = staffOf(request);
  const { db, translator, config } = request.server.consoleContext;
  const id = String((request.params as { id: string }).id);
  const programme = await db.programme.findFirst({
    where: { id, organisationId: staff.organisationId },
    select: { name: true, inviteCode: true },
  });
  if (!programme) return notFoundPage(reply, staff);
  const t = (key: string, params?: Record<string, string>) =>
    consoleText(translator, staff.locale, key, params);
  const link = programme.inviteCode ? qrLink(inviteLinks(programme.inviteCode, config)) : null;
  if (!programme.inviteCode || !link) {
    const body = html`<main class="poster"><h1>${programme.name}</h1><p>${t("poster_no_code")}</p></main>`;
    return consoleHeaders(reply).send(
      documentHtml(staff.locale, tabTitle(programme.name, t("poster_title"), t("app_name")), body).toString(),
    );
  }
  const qr = await inviteQrDataUrl(link, 720);
  const lines = CLIENT_LOCALES.map(
    (locale) =>
      html`<li lang="${locale}" dir="${translator.dir(locale)}">${translator.t("onboarding.poster_scan", locale)}</li>`,
  );
  const body = html`<main class="poster">
<h1>${programme.name}</h1>
<p class="poster-qr"><img src="${qr}" alt="${t("invite_qr_alt")}"></p>
<p class="poster-code">${t("label_colon", { label: t("invite_code") })} <code>${programme.inviteCode}</code></p>
<ul class="poster-lines">${lines}</ul>
<p class="poster-link">${link}</p>
</main>`;
  return consoleHeaders(reply).send(
    documentHtml(staff.locale, tabTitle(programme.name, t("poster_title"), t("app_name")), body).toString(),
  );
}
