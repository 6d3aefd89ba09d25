/**
 * The help menu in the web chat, in headless Chromium on a 390×844 phone, against the real app
 * (real core, flows and translations): the ☰ button asks the bot for the menu, its buttons are the
 * command table's in the client's language, a tap runs the command, and typing one still works.
 * Leaves a screenshot at docs/images/webchat-menu.png (docs/channels.md shows it).
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../../src/app.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../../domain/fixtures.ts";
import { browserApp } from "../../support/browser-app.ts";
import { phonePage } from "../../support/chromium.ts";

const WAIT = { timeout: 15_000 };
const MENU = [
  "commands.menu_appointments",
  "commands.menu_assessment",
  "commands.menu_alerts",
  "commands.menu_language",
  "common.ask_counsellor",
  "commands.menu_privacy",
  "commands.menu_delete",
  "commands.menu_voice",
];

let app: App;
let browser: Browser;
let base: string;
browserApp({}, (started) => ({ app, browser, base } = started));

async function inviteCode(): Promise<string> {
  const { programme, counsellor } = await organisationWithCounsellor(app.db, FOYER);
  const created = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  return created.inviteCode as string;
}

test("the menu button shows the command table as buttons in Romanian; a tap runs the command", async () => {
  const t = (key: string) => app.translator.t(key, "ro");
  const page = await phonePage(browser, "ro-RO");
  await page.goto(`${base}/chat?start=${await inviteCode()}`);
  const bot = page.locator("li.bubble.bot");
  const tapLatest = async (label: string) => {
    const button = bot.last().locator(".choices button", { hasText: label });
    await expect.poll(() => button.count(), WAIT).toBe(1);
    await button.tap();
  };
  await tapLatest("Română");
  await tapLatest(t("onboarding.consent_accept"));
  await tapLatest(t("assessment.offer_later"));
  await expect.poll(() => bot.last().locator("p").textContent(), WAIT).toBe(t("assessment.offer_later_ok"));
  await expect.poll(() => page.locator("#menu-label").textContent(), WAIT).toBe(t("webchat.menu"));

  const before = await bot.count();
  const mine = await page.locator("li.bubble.mine").count();
  await page.locator("#menu").tap();
  await expect.poll(() => bot.count(), WAIT).toBe(before + 1);
  const menu = bot.last();
  expect(await menu.locator("p").textContent()).toBe(t("commands.help"));
  expect(await menu.locator(".choices button").allTextContents()).toEqual(MENU.map(t));
  // No bubble of the client's own for the menu button: it is not something they said.
  expect(await page.locator("li.bubble.mine").count()).toBe(mine);
  await page.screenshot({ path: "docs/images/webchat-menu.png" });

  await menu.locator(".choices button", { hasText: t("commands.menu_appointments") }).tap();
  await expect.poll(() => bot.last().locator("p").textContent(), WAIT).toBe(t("appointments.mine_none"));

  // Typing a command still works.
  await page.locator("#text").fill("/privacy");
  await page.locator("#send").tap();
  await expect.poll(() => bot.last().locator("p").textContent(), WAIT).toBe(t("commands.privacy"));
});
