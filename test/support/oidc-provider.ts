/**
 * A real OpenID Connect provider for sign-in tests (oidc-provider on 127.0.0.1), shaped like
 * Microsoft Entra ID where it matters here: its ID tokens carry `oid` (the person's object id, a
 * GUID) and `tid` (the tenant), besides the e-mail. The login typed at its dev login page is the
 * account id and the e-mail; `unverified:<e-mail>` gives an unverified one. `signInThroughProvider`
 * drives the console's "Sign in with your organisation's account" in headless Chromium.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { uid } from "./db.ts";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The tenant every account of this provider is in (`tid`). */
  tenantId: string;
  /** The Entra object id (`oid`) the provider gives the account `login`: the same every time. */
  objectIdOf(login: string): string;
  /** From now on, gives `login` the object id `objectId` (a person whose e-mail changed, say). */
  setObjectId(login: string, objectId: string): void;
  close(): Promise<void>;
}

/** A free port on 127.0.0.1 (to know an app's address, its redirect URI, before building it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listenOnFreePort(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A GUID made from `login`: one person, one object id. */
function guidOf(login: string): string {
  const hex = createHash("sha256")
    .update(`oid:${login.replace(/^unverified:/, "")}`)
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Starts the provider for a console whose address is `consoleBase`; close it in afterAll. */
export async function startOidcProvider(consoleBase: string): Promise<TestOidcProvider> {
  const clientSecret = `secret-${uid()}-${uid()}`;
  const tenantId = randomUUID();
  const chosen = new Map<string, string>();
  const objectIdOf = (login: string) => chosen.get(login.replace(/^unverified:/, "")) ?? guidOf(login);
  let handle: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const server = createServer((req, res) => handle(req, res));
  const issuer = `http://127.0.0.1:${await listenOnFreePort(server)}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: "console",
        client_secret: clientSecret,
        redirect_uris: [`${consoleBase}/console/oidc/callback`],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({
        sub,
        email: sub.replace(/^unverified:/, ""),
        email_verified: !sub.startsWith("unverified:"),
        oid: objectIdOf(sub),
        tid: tenantId,
      }),
    }),
    claims: { openid: ["sub", "tid"], email: ["email", "email_verified"], profile: ["oid"] },
    conformIdTokenClaims: false,
    cookies: { keys: [`cookie-key-${uid()}`] },
    features: { devInteractions: { enabled: true } },
  });
  handle = oidc.callback();
  return {
    issuer,
    clientId: "console",
    clientSecret,
    tenantId,
    objectIdOf,
    setObjectId: (login, objectId) => chosen.set(login, objectId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The app settings that make the console sign in through `provider`. */
export function oidcEnv(provider: TestOidcProvider, consoleBase: string): Record<string, string> {
  return {
    PUBLIC_URL: consoleBase,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  };
}

/** Signs in through the provider as `login`; returns the page where the console left the browser. */
export async function signInThroughProvider(browser: Browser, consoleBase: string, login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${consoleBase}/console`);
  await page.getByRole("link", { name: "Sign in with your organisation's account" }).click();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  const consent = page.getByRole("button", { name: "Continue" });
  if (await consent.count()) await consent.click();
  await page.waitForURL(
    (url) => url.pathname.startsWith("/console") && !url.pathname.startsWith("/console/oidc/start"),
  );
  return { page, context };
}
