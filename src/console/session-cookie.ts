/**
 * The console's cookies: the session token (httpOnly, SameSite=Lax so a link from an e-mail
 * still opens the console signed in, Secure when PUBLIC_URL is https) and, before sign-in, the
 * double-submit CSRF cookie of the sign-in and set-password forms.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_HOURS } from "../domain/staff/staff-sessions.ts";

export const SESSION_COOKIE = "ceb_session";
export const PRE_SESSION_CSRF_COOKIE = "ceb_csrf";

function base(request: FastifyRequest) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: request.server.consoleContext.secureCookies,
  };
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...base(reply.request), maxAge: SESSION_HOURS * 3600 });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, base(reply.request));
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/** Sets (or keeps) the pre-session CSRF cookie; returns its value for the form's hidden field. */
export function preSessionCsrf(request: FastifyRequest, reply: FastifyReply, fresh: () => string): string {
  const existing = request.cookies[PRE_SESSION_CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{20,100}$/.test(existing)) return existing;
  const value = fresh();
  reply.setCookie(PRE_SESSION_CSRF_COOKIE, value, { ...base(request), sameSite: "strict" });
  return value;
}
