/**
 * Signing in and out of the console, and setting a password through an invite link:
 * `GET /console` (the sign-in page when signed out), `GET|POST /console/sign-in`,
 * `POST /console/sign-out`, `GET|POST /console/set-password`. Every form is CSRF-checked, every
 * attempt rate-limited and audited (sign-in.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { auditRateLimited, signInWithPassword } from "../domain/staff/sign-in.ts";
import { findInvite, passwordField, setPasswordWithInvite } from "../domain/staff/staff-invites.ts";
import { closeSession, findSession, openSession } from "../domain/staff/staff-sessions.ts";
import { carriesCsrfToken, carriesPreSessionToken, newCsrfToken } from "./csrf.ts";
import { consoleHeaders, NAV_ITEMS } from "./layout.ts";
import { clearSessionCookie, preSessionCsrf, sessionToken, setSessionCookie } from "./session-cookie.ts";
import type { SignInLimiter } from "./sign-in-limit.ts";
import { safeNext, setPasswordPage, signInPage } from "./sign-in-page.ts";

const signInBody = z.object({
  email: z.string().max(320).default(""),
  password: z.string().max(1000).default(""),
  next: z.string().optional(),
});
const setPasswordBody = z.object({
  token: z.string().max(100).default(""),
  password: z.string().max(1000).default(""),
  password2: z.string().max(1000).default(""),
});

/** Registers the sign-in, sign-out and set-password routes. */
export function registerSignInRoutes(
  http: FastifyInstance,
  deps: { limiter: SignInLimiter; oidc: boolean },
): void {
  const { db } = http.consoleContext;
  const showSignIn = (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { error?: string; email?: string; next?: string } = {},
  ) =>
    consoleHeaders(reply).send(
      signInPage(request, {
        csrf: preSessionCsrf(request, reply, () => newCsrfToken()),
        next: safeNext(extra.next ?? (request.query as { next?: unknown }).next),
        oidc: deps.oidc,
        ...(extra.error ? { error: extra.error } : {}),
        ...(extra.email ? { email: extra.email } : {}),
      }),
    );

  http.get("/console", async (request, reply) => {
    const token = sessionToken(request);
    if (token && (await findSession(db, token))) return reply.redirect(homePage(http), 303);
    return showSignIn(request, reply);
  });
  http.get("/console/sign-in", async (request, reply) => showSignIn(request, reply));

  http.post("/console/sign-in", async (request, reply) => {
    const body = signInBody.safeParse(request.body ?? {});
    const form = body.success ? body.data : { email: "", password: "", next: undefined };
    const again = (error: string, code: number) =>
      showSignIn(request, reply.code(code), { error, email: form.email, next: form.next ?? "" });
    if (!carriesPreSessionToken(request)) return again("form_expired", 403);
    if (!(await deps.limiter.attempt(form.email, request.ip))) {
      await auditRateLimited(db, form.email);
      return again("too_many_attempts", 429);
    }
    const result = await signInWithPassword(db, form.email, form.password);
    if (!result.ok) return again("sign_in_failed", 401);
    await deps.limiter.succeeded(form.email);
    setSessionCookie(reply, await openSession(db, result.staff.id));
    const next = safeNext(form.next);
    return reply.redirect(next === "/console" ? homePage(http) : next, 303);
  });

  http.post("/console/sign-out", async (request, reply) => {
    const token = sessionToken(request);
    const session = token ? await findSession(db, token) : null;
    if (token && session && carriesCsrfToken(request, session.csrfToken)) await closeSession(db, token);
    else if (session)
      return reply.code(403).type("text/plain").send("This form has expired: reload the page.");
    clearSessionCookie(reply);
    return reply.redirect("/console", 303);
  });

  http.get("/console/set-password", async (request, reply) => {
    const token = String((request.query as { token?: unknown }).token ?? "");
    const staff = await findInvite(db, token);
    const csrf = preSessionCsrf(request, reply, () => newCsrfToken());
    return consoleHeaders(reply.code(staff ? 200 : 404)).send(
      setPasswordPage(request, {
        csrf,
        token,
        valid: staff !== null,
        ...(staff ? { name: staff.name } : {}),
      }),
    );
  });

  http.post("/console/set-password", async (request, reply) => {
    const parsed = setPasswordBody.safeParse(request.body ?? {});
    const form = parsed.success ? parsed.data : { token: "", password: "", password2: "" };
    const staff = await findInvite(db, form.token);
    const csrf = preSessionCsrf(request, reply, () => newCsrfToken());
    const again = (error: string, code: number) =>
      consoleHeaders(reply.code(code)).send(
        setPasswordPage(request, {
          csrf,
          token: form.token,
          valid: staff !== null,
          error,
          ...(staff ? { name: staff.name } : {}),
        }),
      );
    if (!staff) return again("invite_invalid", 404);
    if (!carriesPreSessionToken(request)) return again("form_expired", 403);
    if (!passwordField.safeParse(form.password).success) return again("password_too_short", 400);
    if (form.password !== form.password2) return again("passwords_differ", 400);
    const done = await setPasswordWithInvite(db, form.token, form.password);
    if (!done) return again("invite_invalid", 404);
    setSessionCookie(reply, await openSession(db, done.id));
    return reply.redirect(homePage(http), 303);
  });
}

/** The first section a signed-in staff member lands on (the inbox once it exists). */
function homePage(http: FastifyInstance): string {
  return NAV_ITEMS.find((item) => http.hasRoute({ method: "GET", url: item.href }))?.href ?? "/console";
}
