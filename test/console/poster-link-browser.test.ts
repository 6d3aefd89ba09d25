/**
 * The way to a programme's invite poster, in headless Chromium against the real app: a coordinator
 * finds "Invite posters" under the case list, one link per programme with an invite code, clicks
 * it and gets the printable poster (the QR code and a line in every client language); a steward
 * finds the same link. axe-core: no serious or critical violation on either page. Screenshots go to
 * CONSOLE_SCREENSHOTS.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { uid } from "../support/db.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";

let app: App;
let browser: Browser;
let base: string;
browserApp(
  { env: { TELEGRAM_BOT_USERNAME: "engagement_test_bot" } },
  (started) => ({ app, browser, base } = started),
);

test("a coordinator finds the poster link under the cases and prints the poster; a steward finds it too", async () => {
  const { organisation, programme } = await organisationWithCounsellor(app.db, { withInviteCode: true });
  // A programme without an invite code has no poster to print: no link.
  const withoutCode = await createProgramme(app.db, {
    organisationSlug: organisation.slug,
    slug: `quiet-${uid()}`,
    name: "Without a code",
  });
  const coordinator = await staffMember(app.db, organisation.slug, "coordinator");
  const context = { viewport: { width: 390, height: 844 }, bypassCSP: true };
  const page = await signInToConsole(browser, base, coordinator.email, { context });
  await page.goto(`${base}/console/cases`);
  const posters = page.getByRole("region", { name: "Invite posters" });
  const link = posters.getByRole("link", { name: `Print the poster of ${programme.name}` });
  await expect.poll(() => link.count()).toBe(1);
  expect(await posters.getByRole("link", { name: new RegExp(withoutCode.name) }).count()).toBe(0);
  await posters.scrollIntoViewIfNeeded();
  await checkPage(page, "poster-link-cases");

  await link.click();
  await page.waitForURL(new RegExp(`/console/programmes/${programme.id}/poster$`));
  expect(await page.locator(".poster-lines li").count()).toBe(CLIENT_LOCALES.length);
  expect(
    await page.locator(".poster-qr img").evaluate((img) => (img as HTMLImageElement).naturalWidth),
  ).toBeGreaterThan(300);
  await expect.poll(() => page.getByText(programme.inviteCode ?? "-").count()).toBeGreaterThan(0);
  await checkPage(page, "poster-link-poster");

  const steward = await staffMember(app.db, organisation.slug, "steward");
  const stewardPage = await signInToConsole(browser, base, steward.email, { context });
  await stewardPage.goto(`${base}/console/cases`);
  const stewardLink = stewardPage.getByRole("link", { name: `Print the poster of ${programme.name}` });
  expect(await stewardLink.getAttribute("href")).toBe(`/console/programmes/${programme.id}/poster`);
}, 90_000);
