/**
 * OIDC sign-in against a real OpenID Connect provider (oidc-provider, started here on 127.0.0.1),
 * driven by headless Chromium: the console sends the browser to the provider, the person logs in
 * there, and comes back signed in as the invited staff member whose verified e-mail it is. An
 * unverified e-mail, or one nobody invited, is refused and audited.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { launchChromium } from "../support/chromium.ts";
import { uid } from "../support/db.ts";
import { staffMember } from "../support/staff.ts";
import { startTestApp } from "../support/test-app.ts";

const CLIENT_SECRET = `secret-${uid()}-${uid()}`;

let provider: Server;
let app: App;
let browser: Browser;

async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // The app's address must be known before it is built (it is the redirect URI), so take a port first.
  const probe = createServer();
  const appPort = await listenOnFreePort(probe);
  await new Promise((resolve) => probe.close(resolve));
  const base = `http://127.0.0.1:${appPort}`;

  let handle: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  provider = createServer((req, res) => handle(req, res));
  const issuer = `http://127.0.0.1:${await listenOnFreePort(provider)}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: "console",
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${base}/console/oidc/callback`],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    // The login typed at the provider's dev login page is the account id and the e-mail.
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({
        sub,
        email: sub.replace(/^unverified:/, ""),
        email_verified: !sub.startsWith("unverified:"),
      }),
    }),
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    conformIdTokenClaims: false,
    cookies: { keys: [`cookie-key-${uid()}`] },
    features: { devInteractions: { enabled: true } },
  });
  handle = oidc.callback();

  app = await startTestApp({
    env: {
      PUBLIC_URL: base,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "console",
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    },
  });
  await app.http.listen({ host: "127.0.0.1", port: appPort });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => provider?.close(resolve));
});

/** Signs in through the provider as `login`; returns the page where the console left the browser. */
async function signInThroughProvider(login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.config.PUBLIC_URL}/console`);
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

describe("OIDC sign-in", () => {
  test("an invited staff member signs in with their verified e-mail", async () => {
    const { organisation } = await organisationWithCounsellor(app.db);
    const member = await staffMember(app.db, organisation.slug, "counsellor", { name: "Ana Popescu" });
    const { page, context } = await signInThroughProvider(member.email);
    expect(new URL(page.url()).pathname).toBe("/console/leads");
    expect(await page.locator("header").textContent()).toContain("Ana Popescu");
    const audit = await app.db.auditEvent.findFirst({
      where: { subjectId: member.id, type: "staff.signed_in" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ method: "oidc" });
    await context.close();
  }, 60_000);

  test("an unverified e-mail, or one nobody invited, is refused and audited", async () => {
    const { organisation } = await organisationWithCounsellor(app.db);
    const member = await staffMember(app.db, organisation.slug, "counsellor");
    for (const login of [`unverified:${member.email}`, `stranger-${uid()}@example.org`]) {
      const { page, context } = await signInThroughProvider(login);
      expect(new URL(page.url()).pathname).toBe("/console/oidc/callback");
      expect(await page.getByRole("alert").textContent()).toContain("no invited, active staff account");
      expect(await page.context().cookies()).not.toContainEqual(
        expect.objectContaining({ name: "ceb_session" }),
      );
      await context.close();
    }
    const refused = await app.db.auditEvent.findMany({
      where: { subjectId: member.id, type: "staff.sign_in_failed" },
    });
    expect(refused.map((e) => (e.data as { reason: string }).reason)).toEqual(["oidc_unverified_email"]);
  }, 60_000);
});
