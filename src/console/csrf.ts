/**
 * CSRF protection for every console form and htmx request. Signed in: a synchronizer token kept
 * with the server-side session; forms carry it as `_csrf`, htmx requests as the `x-csrf-token`
 * header (the layout puts it in `hx-headers` on <body>). Signed out (sign-in, set-password): a
 * double-submit token, the same random value in a SameSite=Strict cookie and the form.
 */
import type { FastifyRequest } from "fastify";
import { newSecret, sameSecret } from "../domain/staff/secret-tokens.ts";
import { html, type SafeHtml } from "./html.ts";
import { PRE_SESSION_CSRF_COOKIE } from "./session-cookie.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** The hidden form field for the signed-in session's token. */
export function csrfField(request: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${request.staffSession?.csrfToken ?? ""}">`;
}

/** Whether a request that changes something carries `expected` (form field or header). */
export function carriesCsrfToken(request: FastifyRequest, expected: string): boolean {
  const header = request.headers[CSRF_HEADER];
  const body = request.body as Record<string, unknown> | undefined;
  const given =
    typeof header === "string" ? header : typeof body?.[CSRF_FIELD] === "string" ? body[CSRF_FIELD] : "";
  return typeof given === "string" && given.length > 0 && sameSecret(given, expected);
}

/** Whether a signed-out form's `_csrf` matches its cookie. */
export function carriesPreSessionToken(request: FastifyRequest): boolean {
  const cookie = request.cookies[PRE_SESSION_CSRF_COOKIE];
  return typeof cookie === "string" && carriesCsrfToken(request, cookie);
}

/** Methods that change something and so need a token. */
export function changesState(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method);
}

export { newSecret as newCsrfToken };
