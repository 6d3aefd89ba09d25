/**
 * Broadcasts in headless Chromium (the console's CSP, htmx, server-sent events), end to end with
 * the real workers, outbox and a fake Telegram server: a counsellor builds a segment and sees the
 * count per language; writes Romanian and Arabic texts and sees each preview as the client will
 * (right-to-left for Arabic); is refused while Romani has neither a text nor a fallback; sees a
 * time in quiet hours move to their end; sends; follows the report live until everyone is
 * counted; sees a client's reply appear without reloading and opens it in the inbox. axe-core
 * finds no serious or critical violation on either page; screenshots are written for a person to
 * look at. A second broadcast, for tomorrow, is cancelled from its report. A steward gets 403.
 *
 * Time of day: the programme's quiet hours are set to the hour two hours from now, so "now" is
 * never in them and the broadcast goes at once whatever time the suite runs at (the console takes
 * the real clock; lastMidday() is for tests that call the domain with a clock of their own).
 */
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { broadcastOrganisation, type MemberSpec } from "../domain/broadcasts/segment-fixture.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { type FakeTelegram, privateTextUpdate } from "../support/fake-telegram.ts";
import { htmxSettled } from "../support/htmx.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";
import { postUpdate } from "../support/test-app.ts";

let app: App;
let telegram: FakeTelegram;
let browser: Browser;
let base: string;
browserApp(
  { telegram: true, workers: true, env: { TELEGRAM_CHAT_GAP_MS: "50" } },
  (started) => ({ app, telegram, browser, base } = started),
);

const SPECS: MemberSpec[] = [
  { locale: "ro", place: "Anderlecht", tags: ["forklift"] },
  { locale: "ro", place: "Anderlecht" },
  { locale: "ro", place: "Molenbeek", tags: ["forklift"] },
  { locale: "ar", place: "Petit-Château" },
  { locale: "ar", place: "Petit-Château", tags: ["forklift"] },
  { locale: "rom", place: "Anderlecht" },
  { locale: "ro", place: "Molenbeek", conversation: "opted_out" },
  { locale: "bg", programme: "b" },
];

const signedIn = (email: string): Promise<Page> =>
  signInToConsole(browser, base, email, { context: { viewport: { width: 1100, height: 900 } } });

test("a counsellor composes, previews, sends and follows a broadcast live; a steward gets 403", async () => {
  const { organisation, programmes, members } = await broadcastOrganisation(app.db, SPECS);
  const quiet = DateTime.now().setZone("Europe/Brussels").plus({ hours: 2 }).startOf("hour");
  await app.db.programme.update({
    where: { id: programmes.a.id },
    data: {
      name: "Roma@Work",
      settings: {
        quietHours: { start: quiet.toFormat("HH:mm"), end: quiet.plus({ hours: 1 }).toFormat("HH:mm") },
      },
    },
  });
  await app.db.programme.update({ where: { id: programmes.b.id }, data: { name: "Refugees2work" } });
  const replier = members[3];
  if (!replier) throw new Error("fixture");
  await app.db.client.update({ where: { id: replier.clientId }, data: { displayName: "Amal" } });
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", { locale: "en" });
  const page = await signedIn(counsellor.email);

  expect((await page.goto(`${base}/console/broadcasts/new`))?.status()).toBe(200);
  await page.getByLabel("Roma@Work").check();
  const composer = page.locator("#composer");
  await expect.poll(() => composer.textContent()).toContain("Romanian · 3 people");
  expect(await composer.textContent()).toContain("Arabic · 2 people");
  expect(await page.locator("#reach").textContent()).toContain("1 stopped messages");
  await htmxSettled(page);

  await page.locator("#text-ro").fill("Curs nou de stivuitorist luni la 9.");
  await expect
    .poll(() => page.locator("#preview-ro .bubble").textContent())
    .toContain("Curs nou de stivuitorist");
  await page.locator("#text-ar").fill("دورة جديدة لقيادة الرافعة يوم الاثنين.");
  const arabic = page.locator("#preview-ar .bubble");
  await expect.poll(() => arabic.textContent()).toContain("دورة جديدة");
  expect(await arabic.getAttribute("dir")).toBe("rtl");
  expect(await page.locator("#refusal").textContent()).toContain("Romani (1 person)");
  expect(await page.locator("#send button").textContent()).toBe("Send to 5 people");

  await page.locator('select[name="fallback_rom"]').selectOption("ro");
  await expect.poll(() => page.locator("#preview-rom").textContent()).toContain("Gets the Romanian text");
  await expect.poll(() => page.locator("#refusal").textContent()).toBe("");
  await expect.poll(() => page.locator("#send button").textContent()).toBe("Send to 6 people");

  await page.getByLabel("At a time").check();
  await expect.poll(() => page.locator("#send-time").textContent()).toContain("Choose the date and time");
  await htmxSettled(page);
  await page.getByLabel("Date and time").fill(quiet.plus({ minutes: 30 }).toFormat("yyyy-MM-dd'T'HH:mm"));
  await page.getByLabel("Date and time").dispatchEvent("change");
  await expect.poll(() => page.locator("#send-time").textContent()).toContain("goes out when they end");
  expect(await page.locator("#text-ro").inputValue(), "a segment change keeps the texts").toContain(
    "Curs nou",
  );
  await checkPage(page, "broadcast-builder");

  await page.getByLabel("Now", { exact: true }).check();
  await expect.poll(() => page.locator("#send-time").textContent()).not.toContain("goes out when they end");
  await htmxSettled(page);
  await page.getByRole("button", { name: "Send to 6 people" }).click();
  await page.waitForURL(/\/console\/broadcasts\/[a-z0-9]+$/);
  const tally = (name: string) => page.locator(`.tally-${name} dd`).textContent();
  await expect.poll(() => tally("sent"), { timeout: 20_000 }).toBe("6");
  expect(await tally("pending")).toBe("0");
  expect(await tally("optedOut")).toBe("1");

  // The client answers; the report shows it without a reload, and the link opens the inbox.
  await postUpdate(
    app,
    privateTextUpdate({ userId: Number(replier.chatId), text: "نعم، أنا مهتم", messageId: 7 }),
  );
  const reply = page.locator(".replies a", { hasText: "Amal" });
  await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1);
  expect(await page.locator("#report h2").textContent()).toBe("1 replied");
  await checkPage(page, "broadcast-report");
  await reply.click();
  await page.waitForURL(new RegExp(`/console/cases/${replier.caseId}/conversation$`));
  expect(await page.locator("#transcript").textContent()).toContain("نعم، أنا مهتم");

  // One for tomorrow, cancelled before its time: nothing more is sent.
  await page.goto(`${base}/console/broadcasts/new`);
  await page.getByLabel("Roma@Work").check();
  await expect.poll(() => composer.textContent()).toContain("Romanian · 3 people");
  await htmxSettled(page);
  await page
    .getByRole("group", { name: "Language", exact: true })
    .getByLabel("Romanian", { exact: true })
    .check();
  await expect.poll(() => page.locator("#send button").textContent()).toBe("Send to 0 people");
  await htmxSettled(page);
  await page.locator("#text-ro").fill("Mâine nu avem atelier.");
  await expect.poll(() => page.locator("#send button").textContent()).toBe("Send to 3 people");
  await page.getByLabel("At a time").check();
  await htmxSettled(page);
  const tomorrow = DateTime.now().setZone("Europe/Brussels").plus({ days: 1 }).set({ hour: 12, minute: 0 });
  await page.getByLabel("Date and time").fill(tomorrow.toFormat("yyyy-MM-dd'T'HH:mm"));
  await page.getByLabel("Date and time").dispatchEvent("change");
  await expect.poll(() => page.locator("#send-time").textContent()).not.toContain("Choose the date");
  await htmxSettled(page);
  const sentBefore = telegram.sent().length;
  await page.getByRole("button", { name: "Send to 3 people" }).click();
  await page.waitForURL(/\/console\/broadcasts\/[a-z0-9]+$/);
  expect(await page.locator("#report [role=status]").textContent()).toContain("Scheduled for");
  await page.getByRole("button", { name: "Cancel the broadcast" }).click();
  await expect.poll(() => page.locator("#report [role=status]").textContent()).toContain("Cancelled at");
  expect(await page.getByRole("button", { name: "Cancel the broadcast" }).count()).toBe(0);
  await page.goto(`${base}/console/broadcasts`);
  expect(await page.locator("tbody tr").count()).toBe(2);
  expect(await page.locator("tbody").textContent()).toContain("Language: Romanian");
  expect(telegram.sent().length).toBe(sentBefore);

  const steward = await staffMember(app.db, organisation.slug, "steward");
  const other = await signedIn(steward.email);
  expect((await other.goto(`${base}/console/broadcasts/new`))?.status()).toBe(403);
}, 120_000);
