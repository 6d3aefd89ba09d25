/**
 * Sign-in with the organisation's identity provider (Microsoft Entra ID or any OpenID Connect
 * provider), when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. Authorization code
 * flow with PKCE, state and nonce (openid-client); the provider's verified e-mail must belong to an
 * invited, active staff member (sign-in.ts). `GET /console/oidc/start`, `GET /console/oidc/callback`.
 * An http issuer is accepted only on a loopback address (tests run oidc-provider on 127.0.0.1).
 * Entra's `oid` and `tid`, when the ID token has them, are remembered on the staff row: Teams knows
 * the person by the same id (domain/staff/entra-identity.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as oidc from "openid-client";
import { z } from "zod";
import { type EntraIdentity, rememberEntraIdentity } from "../domain/staff/entra-identity.ts";
import { signInWithOidc } from "../domain/staff/sign-in.ts";
import { openSession } from "../domain/staff/staff-sessions.ts";
import { loggableError } from "../logger.ts";
import { newCsrfToken } from "./csrf.ts";
import { consoleHeaders } from "./layout.ts";
import { preSessionCsrf, setSessionCookie } from "./session-cookie.ts";
import { safeNext, signInPage } from "./sign-in-page.ts";

const FLOW_COOKIE = "ceb_oidc";
const FLOW_MINUTES = 10;

interface FlowState {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
}

/** Registers the OIDC routes (only called when OIDC is configured). */
export function registerOidcRoutes(http: FastifyInstance): void {
  const { config, db, logger, baseUrl } = http.consoleContext;
  const redirectUri = new URL("/console/oidc/callback", baseUrl).toString();
  let discovered: Promise<oidc.Configuration> | undefined;
  const provider = () => {
    discovered ??= discover(
      config.OIDC_ISSUER ?? "",
      config.OIDC_CLIENT_ID ?? "",
      config.OIDC_CLIENT_SECRET ?? "",
    );
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  };
  const failed = (request: FastifyRequest, reply: FastifyReply, error: string, code: number) =>
    consoleHeaders(reply.code(code)).send(
      signInPage(request, {
        csrf: preSessionCsrf(request, reply, () => newCsrfToken()),
        next: "/console",
        oidc: true,
        error,
      }),
    );

  http.get("/console/oidc/start", async (request, reply) => {
    let configuration: oidc.Configuration;
    try {
      configuration = await provider();
    } catch (error) {
      logger.warn({ err: loggableError(error) }, "oidc discovery failed");
      return failed(request, reply, "oidc_unavailable", 503);
    }
    const flow: FlowState = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      next: safeNext((request.query as { next?: unknown }).next),
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: "openid email profile",
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
      state: flow.state,
      nonce: flow.nonce,
    });
    reply.setCookie(FLOW_COOKIE, JSON.stringify(flow), {
      path: "/console/oidc",
      httpOnly: true,
      sameSite: "lax",
      secure: http.consoleContext.secureCookies,
      maxAge: FLOW_MINUTES * 60,
    });
    return reply.redirect(url.toString(), 303);
  });

  http.get("/console/oidc/callback", async (request, reply) => {
    const flow = readFlow(request.cookies[FLOW_COOKIE]);
    reply.clearCookie(FLOW_COOKIE, { path: "/console/oidc" });
    if (!flow) return failed(request, reply, "oidc_failed", 400);
    let claims: oidc.IDToken | undefined;
    try {
      const current = new URL(request.url, redirectUri);
      const tokens = await oidc.authorizationCodeGrant(await provider(), current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      logger.warn({ err: loggableError(error) }, "oidc callback refused");
      return failed(request, reply, "oidc_failed", 400);
    }
    const email = typeof claims?.email === "string" ? claims.email : undefined;
    const verified = claims?.email_verified === true || claims?.xms_edov === true;
    const result = await signInWithOidc(db, email, verified);
    if (!result.ok) return failed(request, reply, "oidc_no_account", 403);
    const entra = entraIdentityOf(claims);
    if (entra) await rememberEntraIdentity(db, result.staff.id, entra, logger);
    setSessionCookie(reply, await openSession(db, result.staff.id));
    return reply.redirect(flow.next, 303);
  });
}

/** Entra's claims for the person: object id (`oid`, needs the `profile` scope) and tenant (`tid`). */
const entraClaims = z.object({
  oid: z.guid(),
  tid: z.guid().optional().catch(undefined),
});

/** The person's Entra identity from the ID token's claims; none when the provider gives no `oid`. */
function entraIdentityOf(claims: oidc.IDToken | undefined): EntraIdentity | undefined {
  const parsed = entraClaims.safeParse(claims);
  if (!parsed.success) return undefined;
  const { oid, tid } = parsed.data;
  return { objectId: oid.toLowerCase(), ...(tid ? { tenantId: tid.toLowerCase() } : {}) };
}

async function discover(issuer: string, clientId: string, secret: string): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  const loopback = url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return oidc.discovery(
    url,
    clientId,
    secret,
    undefined,
    loopback ? { execute: [oidc.allowInsecureRequests] } : {},
  );
}

function readFlow(cookie: string | undefined): FlowState | null {
  if (!cookie || cookie.length > 2000) return null;
  try {
    const value = JSON.parse(cookie) as Partial<FlowState>;
    return typeof value.verifier === "string" &&
      typeof value.state === "string" &&
      typeof value.nonce === "string"
      ? { verifier: value.verifier, state: value.state, nonce: value.nonce, next: safeNext(value.next) }
      : null;
  } catch {
    return null;
  }
}
