/**
 * The headline of the inbox, in headless Chromium at phone size against the real app, Postgres,
 * Redis and the fake Telegram: a counsellor signs in; a Romani client taps "🙋 ask my counsellor";
 * the handover appears in the open inbox by itself (server-sent events); the counsellor answers
 * with a quick reply picked in Dutch, sees the preview in Romani, sends it, and the client gets
 * it on Telegram in Romani. A coordinator of another organisation, signed in at the same time,
 * sees none of it. axe-core: no serious or critical violation on these pages. Screenshots go to
 * CONSOLE_SCREENSHOTS (default: a folder in the system's temp dir).
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { PHONE_AT_INBOX, signInToConsole } from "../support/console-session.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { checkPage } from "../support/page-check.ts";
import { consoleShot } from "../support/screenshots.ts";
import { staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";

let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let base: string;
browserApp({ telegram: true, workers: true }, (started) => ({ telegram, app, browser, base } = started));

const signIn = (email: string): Promise<Page> => signInToConsole(browser, base, email, PHONE_AT_INBOX);

test("a handover arrives live, a quick reply in Dutch reaches the client in Romani; another organisation sees nothing", async () => {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", {
    name: "Lena Janssens",
    locale: "nl",
  });
  const created = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const other = await organisationWithCounsellor(app.db);
  const outsider = await staffMember(app.db, other.organisation.slug, "coordinator", { locale: "fr" });

  const page = await signIn(counsellor.email);
  const theirs = await signIn(outsider.email);
  await expect.poll(() => page.locator("#inbox-list").textContent()).toContain("Niemand wacht");
  await checkPage(page, "inbox-01-empty");

  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:rom");
  await user.tap("consent:accept");
  await user.tap("done:now");
  await user.tap("nav:counsellor");
  await user.say("Šaj avav tehara ando biro?");

  // No reload: the card comes in over the open event stream.
  await expect.poll(() => page.locator("#inbox-list li.card").count(), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.locator("#inbox-list").textContent()).toContain("Romani");
  await checkPage(page, "inbox-02-live");

  await page.locator("#inbox-list li.card a").click();
  await page.waitForURL(/\/conversation$/);
  await expect.poll(() => page.locator("#transcript").textContent()).toContain("Šaj avav tehara ando biro?");
  await page.locator("#quickReply").selectOption("come_to_office");
  await page.locator("#qr-date").fill("2026-12-08");
  await page.locator("#qr-date").dispatchEvent("change");
  await page.locator("#qr-time").fill("10:30");
  await page.locator("#qr-time").dispatchEvent("change");
  const romani = "🏢 Av ando biro ko 8 Decembro 2026, ko 10:30.";
  await expect.poll(() => page.locator("#preview .bubble").textContent(), { timeout: 10_000 }).toBe(romani);
  await checkPage(page, "inbox-03-quick-reply");
  await page.getByRole("button", { name: "Snel antwoord versturen" }).click();
  await page.waitForURL(/sent=1/);

  const received = await telegram.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === "sendMessage" &&
          String(c.payload.chat_id) === String(user.userId) &&
          c.payload.text === romani,
      ),
    15_000,
  );
  expect(received).toBeTruthy();
  await expect
    .poll(() => page.locator("#transcript").textContent(), { timeout: 10_000 })
    .toContain("Lena Janssens");
  await checkPage(page, "inbox-04-sent");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: consoleShot("inbox-05-conversation-desktop"), fullPage: true });

  // The other organisation's inbox, open all along, never showed this client.
  expect(await theirs.locator("#inbox-list li.card").count()).toBe(0);
  expect(await theirs.locator("body").textContent()).not.toContain("Romani");
  await checkPage(theirs, "inbox-06-other-organisation");
  const response = await theirs.goto(`${base}/console/cases/${created.id}/conversation`);
  expect(response?.status()).toBe(404);

  // Tasks: the handover, in words, in Dutch.
  await page.goto(`${base}/console/tasks`);
  await expect.poll(() => page.locator("ul.tasks").textContent()).toContain("Wil met een persoon praten");
  await page.setViewportSize({ width: 390, height: 844 });
  await checkPage(page, "inbox-07-tasks");
}, 120_000);
