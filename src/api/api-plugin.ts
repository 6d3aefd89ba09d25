/**
 * The JSON API under /api/v1: who is asking (a bearer token, or a console session whose CSRF
 * token comes with anything that changes state), a body parser that answers 400 for anything
 * that is not JSON whatever its content type, the contract's errors, and the OpenAPI document.
 * Route modules (cases, leads, handovers, …) register through an ApiRouter.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { carriesCsrfToken, changesState } from "../console/csrf.ts";
import { sessionToken } from "../console/session-cookie.ts";
import { identityForToken } from "../domain/staff/api-tokens.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { findSession } from "../domain/staff/staff-sessions.ts";
import { installApiErrors } from "./api-errors.ts";
import { type ApiModule, createApiRouter, openApiDocument } from "./api-route.ts";

const BODY_LIMIT = 64 * 1024;

/** Registers /api/v1 with the given route modules. */
export function registerApi(http: FastifyInstance, modules: readonly ApiModule[]): void {
  http.register(
    async (scope) => {
      const { db, logger } = scope.consoleContext;
      installApiErrors(scope, logger);
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        "*",
        { parseAs: "string", bodyLimit: BODY_LIMIT },
        (_request, body, done) => {
          const text = String(body);
          if (text.trim() === "") return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch {
            done(Object.assign(new Error("the body is not JSON"), { statusCode: 400 }), undefined);
          }
        },
      );
      scope.addHook("onRequest", async (request, reply) => {
        if (request.url.split("?")[0] === "/api/v1/openapi.json") return;
        const staff = await authenticate(request);
        if (staff === "csrf")
          return reply.code(403).send({ error: "a console session must send its x-csrf-token" });
        if (!staff)
          return reply.code(401).send({ error: "sign in or send an API token (Authorization: Bearer …)" });
        request.staff = staff;
      });
      const router = createApiRouter(scope);
      for (const register of modules) register(router);
      scope.get("/openapi.json", async () => openApiDocument(router.specs, "1"));

      async function authenticate(request: FastifyRequest): Promise<StaffIdentity | "csrf" | null> {
        const header = request.headers.authorization;
        if (header) {
          const match = /^Bearer\s+(\S+)$/i.exec(header);
          return match?.[1] ? identityForToken(db, match[1]) : null;
        }
        const token = sessionToken(request);
        const session = token ? await findSession(db, token) : null;
        if (!session) return null;
        if (changesState(request.method) && !carriesCsrfToken(request, session.csrfToken)) return "csrf";
        request.staffSession = session;
        return session.identity;
      }
    },
    { prefix: "/api/v1" },
  );
}
