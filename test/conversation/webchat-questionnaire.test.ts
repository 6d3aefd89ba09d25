/**
 * The questionnaire in the web chat, in headless Chromium at phone size (390×844), with the real
 * conversation core: the answers first and navigation on a row of its own, a tick updating the
 * question's bubble in place (no new bubble, ✅ on the ticked answer).
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { posterCode } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";

let app: App;
let base: string;
let browser: Browser;
browserApp({}, (started) => ({ app, base, browser } = started));

const t = (key: string, locale: string) => app.translator.t(key, locale);

/** Taps the button labelled `label` on the newest bubble that has one. */
async function tap(page: Page, label: string): Promise<void> {
  await page.locator(".bot button:not([disabled])", { hasText: label }).last().click();
}

/** Waits until the newest bot bubble says `text`. */
async function botSays(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.locator(".bot p").last().textContent(), { timeout: 10_000 }).toBe(text);
}

/** Opens the chat and taps through onboarding to the transport question (multi-choice). */
async function toTransport(page: Page, locale: string): Promise<void> {
  await page.goto(`${base}/chat?start=${await posterCode(app.db)}`);
  await tap(page, t("meta.native_name", locale));
  await tap(page, t("onboarding.consent_accept", locale));
  await tap(page, t("assessment.offer_yes", locale));
  await tap(page, t("assessment.residence_eu_citizen", locale));
  await tap(page, t("assessment.housing_rented", locale));
  await botSays(page, t("assessment.place_prompt", locale));
  await page.locator("#text").fill("Anderlecht");
  await page.locator("#send").click();
  await botSays(page, t("assessment.transport_prompt", locale));
}

test("navigation has its own row after the answers; a tick updates the question in place", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en" });
  const page = await context.newPage();
  await toTransport(page, "en");
  const question = page.locator("li.bot").last();
  const nav = question.locator(".choices.nav button");
  expect(await nav.allTextContents()).toEqual([
    t("common.back", "en"),
    t("common.restart", "en"),
    t("common.nav_counsellor", "en"),
  ]);
  expect(await question.locator(".choices:not(.nav) button").last().textContent()).toBe(
    t("common.done", "en"),
  );

  const bubbles = await page.locator("li.bubble").count();
  await tap(page, t("assessment.transport_bike", "en"));
  const ticked = `✅ 🚲 ${t("assessment.transport_bike", "en")}`;
  await expect
    .poll(() => question.locator("button", { hasText: ticked }).count(), { timeout: 10_000 })
    .toBe(1);
  expect(await page.locator("li.bubble").count()).toBe(bubbles); // no echo, no second question
  await tap(page, t("assessment.transport_walk", "en"));
  await expect.poll(() => question.locator("button", { hasText: "✅" }).count(), { timeout: 10_000 }).toBe(2);
  await page.screenshot({ path: "/tmp/webchat-transport-ticks.png" });
  await tap(page, t("common.done", "en"));
  await botSays(page, t("assessment.driving_licence_prompt", "en"));
  await context.close();
}, 60_000);

test("a reload brings back both sides; New chat asks first; after /delete the page says what went", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en" });
  const page = await context.newPage();
  await toTransport(page, "en");
  const before = await page.locator("li.bubble").allTextContents();
  await page.reload();
  await expect.poll(() => page.locator("li.bubble").count(), { timeout: 10_000 }).toBe(before.length);
  const mine = await page.locator("li.mine").allTextContents();
  expect(mine).toContain("Anderlecht");
  expect(mine).toContain(t("onboarding.consent_accept", "en"));
  // Only the question waiting for an answer is live; the ones answered are spent.
  expect(await page.locator("li.bot:not(.spent) button").count()).toBeGreaterThan(0);
  expect(await page.locator("li.bot").last().getAttribute("class")).not.toContain("spent");
  expect(await page.locator("li.bot.spent").count()).toBeGreaterThan(2);
  await page.screenshot({ path: "/tmp/webchat-reloaded.png" });

  await page.locator("#new-chat").click();
  await expect.poll(() => page.locator("#confirm-new").isVisible()).toBe(true);
  await page.locator("#confirm-no").click();
  expect(await page.locator("li.bubble").count()).toBe(before.length);

  await page.locator("#text").fill("/delete");
  await page.locator("#send").click();
  await tap(page, t("commands.delete_yes", "en"));
  await expect
    .poll(() => page.locator("li.notice p").textContent(), { timeout: 10_000 })
    .toBe(t("webchat.deleted", "en"));
  expect(await page.locator("li.bubble").count()).toBe(1);
  await page.screenshot({ path: "/tmp/webchat-deleted.png" });
  await page.locator("li.notice button").click();
  await botSays(page, t("onboarding.language_prompt", "en"));
  await context.close();
}, 90_000);

test.each(["rom", "ar"])(
  "the questionnaire in %s at 390×844: screenshots for the README",
  async (locale) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale });
    const page = await context.newPage();
    await toTransport(page, locale);
    await tap(page, t("assessment.transport_public_transport", locale));
    const question = page.locator("li.bot").last();
    await expect
      .poll(() => question.locator("button", { hasText: "✅" }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await page.locator("html").getAttribute("dir")).toBe(locale === "ar" ? "rtl" : "ltr");
    const back = question.locator(".choices.nav button").first();
    expect(await back.textContent()).toBe(t("common.back", locale));
    if (locale === "ar") {
      // Right to left: back is the first button of its row, at the right, and points right.
      const [backBox, lastBox] = await Promise.all([
        back.boundingBox(),
        question.locator(".choices.nav button").nth(1).boundingBox(),
      ]);
      expect((backBox?.x ?? 0) > (lastBox?.x ?? 0)).toBe(true);
      expect(t("common.back", "ar").startsWith("↪️")).toBe(true);
    }
    await page.screenshot({ path: `docs/images/questionnaire-${locale}.png` });
    await context.close();
  },
  60_000,
);
