/**
 * The funnel page in headless Chromium (with the console's CSP): a coordinator sees the charts and
 * the table with exact numbers; axe-core finds no serious or critical violation; a screenshot is
 * written for a person to look at. A counsellor gets 403.
 */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { seriousViolations } from "../support/axe.ts";
import { launchChromium } from "../support/chromium.ts";
import { signInToConsole } from "../support/console-session.ts";
import { funnelWorld } from "../support/funnel-world.ts";
import { staffMember } from "../support/staff.ts";
import { startTestApp } from "../support/test-app.ts";

const shots = process.env.CONSOLE_SCREENSHOTS ?? path.join(os.tmpdir(), "console-screenshots");

let app: App;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await startTestApp();
  base = await app.http.listen({ host: "127.0.0.1", port: 0 });
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

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
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, "funnel.png"), fullPage: true });

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
