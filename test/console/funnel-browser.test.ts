/**
 * The funnel page in headless Chromium (with the console's CSP): a coordinator sees the charts and
 * the table with exact numbers; axe-core finds no serious or critical violation; a screenshot is
 * written for a person to look at. A counsellor gets 403.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { funnelWorld } from "../support/funnel-world.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";

let app: App;
let browser: Browser;
let base: string;
browserApp({}, (started) => ({ app, browser, base } = started));

test("a coordinator sees the funnel; a counsellor gets 403", async () => {
  const world = await funnelWorld(app.db);
  const coordinator = await staffMember(app.db, world.organisation.slug, "coordinator", { locale: "en" });
  const page = await signInToConsole(browser, base, coordinator.email, {
    context: { viewport: { width: 1000, height: 900 } },
  });
  const response = await page.goto(`${base}/console/funnel?programme=${world.programme.slug}`);
  expect(response?.status()).toBe(200);
  expect(await page.locator("svg.chart").count()).toBe(2);
  expect(await page.locator("svg.chart").first().textContent()).toContain("12 · 60%");
  expect(await page.locator("tbody tr").first().textContent()).toContain("20");
  await checkPage(page, "funnel");

  // Percentages as the coordinator's language writes them: 6 in training of 9 is "66,7%" in Dutch.
  const dutch = await staffMember(app.db, world.organisation.slug, "coordinator", { locale: "nl" });
  const nl = await signInToConsole(browser, base, dutch.email, { context: {} });
  await nl.goto(`${base}/console/funnel?programme=${world.programme.slug}`);
  expect(await nl.locator("tbody").first().textContent()).toContain("66,7%");
  expect(await nl.locator("svg.chart").first().textContent()).toContain("6 · 67%");

  const counsellor = await staffMember(app.db, world.organisation.slug, "counsellor");
  const other = await signInToConsole(browser, base, counsellor.email, { context: {} });
  expect((await other.goto(`${base}/console/funnel`))?.status()).toBe(403);
}, 90_000);
