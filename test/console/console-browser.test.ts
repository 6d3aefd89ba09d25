/**
 * The console in headless Chromium at phone size: a coordinator signs in, assigns a lead, opens
 * the case list and the case, invites a colleague, who sets a password through the link. axe-core
 * runs on every page (no serious or critical violation); screenshots go to CONSOLE_SCREENSHOTS
 * (default: a folder in the system's temp dir) for a person to look at.
 */
import type { Browser } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember, TEST_PASSWORD } from "../support/staff.ts";

let app: App;
let browser: Browser;
let base: string;
browserApp(
  { env: { TELEGRAM_BOT_USERNAME: "engagement_test_bot" } },
  (started) => ({ app, browser, base } = started),
);

describe("the console in a browser, at phone size", () => {
  test("sign in, leads, assign, cases, a case, staff, invite and set a password", async () => {
    const { organisation, programme } = await organisationWithCounsellor(app.db);
    const coordinator = await staffMember(app.db, organisation.slug, "coordinator", {
      name: "Els Peeters",
      locale: "nl",
    });
    const counsellor = await staffMember(app.db, organisation.slug, "counsellor", { name: "Samir Haddad" });
    const client = await consentedClient(app.db, { displayName: "Ionela", locale: "ro" });
    const lead = await app.db.case.create({
      data: {
        clientId: client.id,
        programmeId: programme.id,
        status: "preparation",
        linkedAt: new Date(),
        reference: "IO-7",
      },
    });
    await createCase(app.db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
      reference: "MS-12",
    });

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await checkPage(page, "01-sign-in");
    await page.getByLabel("E-mail").fill(coordinator.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The home page is the first section of the navigation: the inbox.
    await page.waitForURL(/\/console\/inbox$/);
    await page.goto(`${base}/console/leads`);
    await checkPage(page, "02-leads");

    const card = page.locator("section.card", { hasText: "Ionela" });
    await card.getByLabel("Begeleider").selectOption({ label: "Samir Haddad" });
    await card.getByRole("button", { name: "Toewijzen" }).click();
    await page.waitForURL(/assigned=1/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Toegewezen");
    await checkPage(page, "03-lead-assigned");
    expect((await app.db.case.findUniqueOrThrow({ where: { id: lead.id } })).counsellorId).toBe(
      counsellor.id,
    );

    await page.getByRole("link", { name: "Dossiers" }).click();
    await page.getByText("Een dossier openen voor iemand die je ontmoette").click();
    await page.locator("#n-reference").fill("NEW-1");
    await page.getByRole("button", { name: "Dossier openen en uitnodiging tonen" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toContain("NEW-1");
    expect(await page.locator(".qr img").count()).toBe(1);
    await page.getByRole("link", { name: "Dossiers" }).click();
    await page.getByLabel("Zoeken op referentie").fill("MS-");
    await page.getByRole("button", { name: "Tonen" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    await checkPage(page, "04-cases");
    await page.getByRole("link", { name: "MS-12" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toContain("MS-12");
    expect(await page.locator(".qr img").count()).toBe(1);
    await page.getByLabel("Nieuwe notitie").fill("Komt liever 's ochtends.");
    await page.getByRole("button", { name: "Notitie toevoegen" }).click();
    await expect.poll(() => page.getByText("Komt liever 's ochtends.").count()).toBe(1);
    await checkPage(page, "05-case");

    await page.getByRole("link", { name: "Medewerkers" }).click();
    await page.locator("#i-name").fill("Nadia Ionescu");
    await page.locator("#i-email").fill(`nadia-${Date.now()}@example.org`);
    await page.locator("#i-role").selectOption("steward");
    await page.getByRole("button", { name: "Uitnodigingslink maken" }).click();
    const link = await page.locator("[role=status] code").textContent();
    expect(link).toMatch(/\/console\/set-password\?token=/);
    await checkPage(page, "06-staff");

    const invited = await browser.newContext({
      viewport: { width: 390, height: 844 },
      bypassCSP: true,
      locale: "fr-BE",
    });
    const fresh = await invited.newPage();
    const sent = new URL(link ?? ""); // built on http://HOST:PORT; this test listens on another port
    await fresh.goto(`${base}${sent.pathname}${sent.search}`);
    await checkPage(fresh, "07-set-password");
    await fresh.getByLabel("Nouveau mot de passe").fill("une phrase assez longue");
    await fresh.getByLabel("Répétez le mot de passe").fill("une phrase assez longue");
    await fresh.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
    await fresh.waitForURL(/\/console\/inbox$/);
    expect(await fresh.getByRole("button", { name: /Se déconnecter|Sign out|Afmelden/ }).count()).toBe(1);
    await invited.close();

    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("inhoud");
    await context.close();
  }, 90_000);
});
