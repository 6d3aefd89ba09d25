/**
 * requireStaff: the preHandler of every console page. It finds the session behind the cookie,
 * checks the CSRF token of anything that changes state, and puts the staff member on the request
 * (`request.staff`: staffId, organisationId, role, locale). Signed out, a page visit goes to the
 * sign-in page (and comes back after), an htmx request is told to go there.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { findSession } from "../domain/staff/staff-sessions.ts";
import { carriesCsrfToken, changesState } from "./csrf.ts";
import { clearSessionCookie, sessionToken } from "./session-cookie.ts";

/** The console page guard (a fastify preHandler). */
export async function requireStaff(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = sessionToken(request);
  const session = token ? await findSession(request.server.consoleContext.db, token) : null;
  if (!session) {
    if (token) clearSessionCookie(reply);
    const next = request.method === "GET" ? `?next=${encodeURIComponent(request.url)}` : "";
    const target = `/console/sign-in${next}`;
    if (request.headers["hx-request"]) return void reply.code(401).header("hx-redirect", target).send();
    if (request.method === "GET") return void reply.redirect(target, 303);
    return void reply.code(401).type("text/plain").send("Signed out: sign in again.");
  }
  if (changesState(request.method) && !carriesCsrfToken(request, session.csrfToken))
    return void reply
      .code(403)
      .type("text/plain")
      .send("This form has expired: reload the page and try again.");
  request.staff = session.identity;
  request.staffSession = session;
}

/** The staff member on a request that passed requireStaff (throws if a route forgot the guard). */
export function staffOf(request: FastifyRequest) {
  if (!request.staff) throw new Error(`route ${request.routeOptions.url} has no requireStaff preHandler`);
  return request.staff;
}
