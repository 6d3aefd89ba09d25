/**
 * The console: cookies, form bodies, the shared context, static assets, sign-in (password and,
 * when configured, OIDC), and the page modules (leads, cases, staff, and the inbox's). A page
 * module is `(http) => void` registering GET/POST routes under /console with requireStaff.
 */
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import { registerAssetRoutes } from "./asset-routes.ts";
import { type ConsoleContext, decorateConsole } from "./console-context.ts";
import { registerOidcRoutes } from "./oidc-routes.ts";
import { createSignInLimiter } from "./sign-in-limit.ts";
import { registerSignInRoutes } from "./sign-in-routes.ts";

/** A console page module. */
export type ConsolePageModule = (http: FastifyInstance) => void;

/** Registers the console on the app (call before registerApi: the API uses the same context). */
export async function registerConsole(
  http: FastifyInstance,
  context: ConsoleContext,
  options: { queuePrefix: string; pages: readonly ConsolePageModule[] },
): Promise<void> {
  await http.register(cookie);
  await http.register(formbody, { bodyLimit: 64 * 1024 });
  decorateConsole(http, context);
  registerAssetRoutes(http);
  const oidc = Boolean(
    context.config.OIDC_ISSUER && context.config.OIDC_CLIENT_ID && context.config.OIDC_CLIENT_SECRET,
  );
  registerSignInRoutes(http, { limiter: createSignInLimiter(context.redis, options.queuePrefix), oidc });
  if (oidc) registerOidcRoutes(http);
  for (const page of options.pages) page(http);
}
