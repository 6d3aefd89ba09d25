/** The console's 404 page: the same for an id that does not exist and one of another organisation. */
import type { FastifyReply } from "fastify";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { consoleText } from "./console-context.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";

export function notFoundPage(reply: FastifyReply, staff: StaffIdentity): FastifyReply {
  const t = (key: string) => consoleText(reply.server.consoleContext.translator, staff.locale, key);
  return renderPage(reply.code(404), staff, t("not_found_title"), html`<p>${t("not_found")}</p>`);
}
