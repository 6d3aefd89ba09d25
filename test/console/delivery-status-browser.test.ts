/**
 * Delivery status in the conversation view, live: a counsellor has a client's conversation open
 * in headless Chromium; two replies go out through the outbox (real workers, the fake Telegram);
 * without a reload the first turns "delivered", and after the client blocked the bot the second
 * turns "not delivered: the client blocked the bot" (the stream looks at the statuses and sends each
 * change within a second; the page's event stream re-draws the transcript). axe-core: no
 * serious or critical violation.
 */
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { replyDeps } from "../../src/api/inbox-api.ts";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { sendStaffMessage } from "../../src/domain/handovers/staff-replies.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { PHONE_AT_INBOX, signInToConsole } from "../support/console-session.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";

let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let base: string;
browserApp({ telegram: true, workers: true }, (started) => ({ telegram, app, browser, base } = started));

test("a reply's status turns delivered, then another's not delivered when the client blocked the bot, without a reload", async () => {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", {
    name: "Lena",
    locale: "fr",
  });
  const created = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");

  const page = await signInToConsole(browser, base, counsellor.email, PHONE_AT_INBOX);
  await page.goto(`${base}/console/cases/${created.id}/conversation`);
  // The live stream is open before anything is sent.
  await page.waitForFunction(() => document.querySelector("[sse-connect]") !== null);
  await page.waitForTimeout(500);

  const deps = replyDeps(app.http.consoleContext);
  const reply = (text: string) =>
    sendStaffMessage(deps, { caseId: created.id, staffId: counsellor.id, message: { text } });
  const first = await reply("Bună ziua, ne vedem mâine.");
  const status = (id: bigint) => page.locator(`#status-${id}`).textContent();
  await expect.poll(() => status(first.messageId), { timeout: 15_000 }).toBe("remis");

  telegram.blockChat(user.userId);
  const second = await reply("Mai ai nevoie de ajutor?");
  await expect
    .poll(() => status(second.messageId), { timeout: 15_000 })
    // French: a narrow no-break space (U+202F) before the colon.
    .toBe("non remis\u202f: le client a bloqué le bot");
  await checkPage(page, "conversation-delivery-live");
}, 120_000);
