/**
 * "My settings" (/console/me) in headless Chromium with the console's CSP: a counsellor gets a
 * Teams code, types it to the bot in Teams (the real channel, the fake Bot Framework), sees the
 * page say "connected", turns cards off and on; axe-core finds no serious or critical violation
 * either way; screenshots are written for a person to look at.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { sayAndWait } from "../channels/teams/staff-support.ts";
import { startTeamsTestBed, type TeamsTestBed, teamsUser } from "../channels/teams/support.ts";
import { launchChromium } from "../support/chromium.ts";
import { signInToConsole } from "../support/console-session.ts";
import { uid } from "../support/db.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";

let bed: TeamsTestBed;
let browser: Browser;
let base: string;

beforeAll(async () => {
  bed = await startTeamsTestBed({ workers: true });
  base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await bed?.close();
});

test("a counsellor connects Teams with a code from their page and turns cards off", async () => {
  const slug = `o-${uid()}`;
  await createOrganisation(bed.app.db, { slug, name: "Foyer" });
  const counsellor = await staffMember(bed.app.db, slug, "counsellor", {
    locale: "en",
    name: "Lena Peeters",
  });
  const page = await signInToConsole(browser, base, counsellor.email, {
    context: { viewport: { width: 1000, height: 900 } },
    pageErrorsFail: true,
  });
  await page.getByRole("link", { name: "My settings" }).click();
  await page.waitForURL(/\/console\/me$/);
  expect(await page.getByRole("heading", { name: "Connect Teams" }).count()).toBe(1);
  expect(await page.locator("main").textContent()).toContain("Your Teams is not connected.");

  await page.getByRole("button", { name: "Get a code" }).click();
  const code = (await page.locator("code.teams-code").textContent()) ?? "";
  expect(code).toMatch(/^ST-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await checkPage(page, "me-teams-code");

  const inTeams = teamsUser("en-US", "Lena");
  expect(await sayAndWait(bed, inTeams, code)).toContain("Connected");
  await page.goto(`${base}/console/me`);
  expect(await page.locator("main").textContent()).toContain("Connected to your Teams chat with the bot.");

  await page.getByLabel("Off: no cards").check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/saved=1/);
  expect(await page.getByRole("status").textContent()).toBe("Saved.");
  expect(await page.getByLabel("Off: no cards").isChecked()).toBe(true);
  expect((await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: counsellor.id } })).teamsCards).toBe(
    false,
  );
  await checkPage(page, "me-teams-linked");

  // A form that is not one of ours: 400, nothing changed.
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const bad = await page.request.post(`${base}/console/me/teams-cards`, {
    form: { _csrf: csrf, cards: "maybe" },
  });
  expect(bad.status()).toBe(400);

  await page.getByRole("button", { name: "Disconnect Teams" }).click();
  await page.waitForURL(/unlinked=1/);
  expect(await page.locator("main").textContent()).toContain("Your Teams is not connected.");
  expect(await bed.app.db.conversation.count({ where: { staffId: counsellor.id } })).toBe(0);
}, 120_000);
