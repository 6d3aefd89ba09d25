/**
 * OIDC sign-in against a real OpenID Connect provider (oidc-provider, started here on 127.0.0.1),
 * driven by headless Chromium: the console sends the browser to the provider, the person logs in
 * there, and comes back signed in as the invited staff member whose verified e-mail it is, their
 * Entra object id and tenant (`oid`, `tid`) remembered on their account. An unverified e-mail, or
 * one nobody invited, is refused and audited, and remembers nothing.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { launchChromium } from "../support/chromium.ts";
import { uid } from "../support/db.ts";
import {
  freePort,
  oidcEnv,
  signInThroughProvider,
  startOidcProvider,
  type TestOidcProvider,
} from "../support/oidc-provider.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let provider: TestOidcProvider;
let bed: TestBed;
let browser: Browser;
let base: string;

beforeAll(async () => {
  // The app's address must be known before it is built (it is the redirect URI), so take a port first.
  const appPort = await freePort();
  base = `http://127.0.0.1:${appPort}`;
  provider = await startOidcProvider(base);
  bed = await startTestBed({ env: oidcEnv(provider, base) });
  await bed.app.http.listen({ host: "127.0.0.1", port: appPort });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bed?.close();
  await provider?.close();
});

const entraOf = (staffId: string) =>
  bed.app.db.counsellor.findUniqueOrThrow({
    where: { id: staffId },
    select: { entraObjectId: true, entraTenantId: true },
  });

describe("OIDC sign-in", () => {
  test("an invited staff member signs in with their verified e-mail; their Entra object id is remembered", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const member = await staffMember(bed.app.db, organisation.slug, "counsellor", { name: "Ana Popescu" });
    expect(await entraOf(member.id)).toEqual({ entraObjectId: null, entraTenantId: null });
    const { page, context } = await signInThroughProvider(browser, base, member.email);
    expect(new URL(page.url()).pathname).toBe("/console/inbox");
    expect(await page.locator("header").textContent()).toContain("Ana Popescu");
    const audit = await bed.app.db.auditEvent.findFirst({
      where: { subjectId: member.id, type: "staff.signed_in" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ method: "oidc" });
    expect(await entraOf(member.id)).toEqual({
      entraObjectId: provider.objectIdOf(member.email),
      entraTenantId: provider.tenantId,
    });
    await context.close();
  }, 60_000);

  test("an object id is one person's: signing in to another account with it moves it there", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const before = await staffMember(bed.app.db, organisation.slug, "counsellor");
    const after = await staffMember(bed.app.db, organisation.slug, "counsellor");
    provider.setObjectId(after.email, provider.objectIdOf(before.email));
    for (const member of [before, after]) {
      const { context } = await signInThroughProvider(browser, base, member.email);
      await context.close();
    }
    expect((await entraOf(before.id)).entraObjectId).toBeNull();
    expect((await entraOf(after.id)).entraObjectId).toBe(provider.objectIdOf(before.email));
  }, 60_000);

  test("an unverified e-mail, or one nobody invited, is refused and audited", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const member = await staffMember(bed.app.db, organisation.slug, "counsellor");
    for (const login of [`unverified:${member.email}`, `stranger-${uid()}@example.org`]) {
      const { page, context } = await signInThroughProvider(browser, base, login);
      expect(new URL(page.url()).pathname).toBe("/console/oidc/callback");
      expect(await page.getByRole("alert").textContent()).toContain("no invited, active staff account");
      expect(await page.context().cookies()).not.toContainEqual(
        expect.objectContaining({ name: "ceb_session" }),
      );
      await context.close();
    }
    const refused = await bed.app.db.auditEvent.findMany({
      where: { subjectId: member.id, type: "staff.sign_in_failed" },
    });
    expect(refused.map((e) => (e.data as { reason: string }).reason)).toEqual(["oidc_unverified_email"]);
    expect(await entraOf(member.id)).toEqual({ entraObjectId: null, entraTenantId: null });
  }, 60_000);
});
