/**
 * The case page's actions in headless Chromium at phone size, against the real app, Postgres,
 * Redis and the fake Telegram: a Dutch-speaking counsellor sets an appointment for a Romanian
 * client (documents from the list, a note in Romanian), sees the reminder plan in words, and the
 * client gets the notice in Romanian only, with the map as a URL button; a time in the past is
 * refused in Dutch; the client's answer becomes a task on the case page, handed to a colleague and
 * done there; the appointment moves too close for a reminder, the client stops messages, and the
 * page says why no reminder comes; then it is cancelled. A placement is recorded and ended. axe-core:
 * no serious or critical violation. Screenshots go to CONSOLE_SCREENSHOTS.
 */
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { PHONE_AT_INBOX, signInToConsole } from "../support/console-session.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";

const ZONE = "Europe/Brussels";

let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let base: string;
browserApp({ telegram: true, workers: true }, (started) => ({ telegram, app, browser, base } = started));

const signIn = (email: string): Promise<Page> => signInToConsole(browser, base, email, PHONE_AT_INBOX);

/** What the bot sent to the user's chat on Telegram whose text starts with `prefix`. */
function sentTo(user: TelegramUser, prefix: string) {
  return telegram
    .sent()
    .filter((p) => String(p.chat_id) === String(user.userId) && String(p.text).startsWith(prefix));
}

async function world() {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  // No quiet hours: whether a reminder fits before an appointment then does not depend on the hour the test runs.
  await app.db.programme.update({
    where: { id: programme.id },
    data: { timezone: ZONE, settings: { quietHours: null } },
  });
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", {
    name: "Lena Janssens",
    locale: "nl",
  });
  const colleague = await staffMember(app.db, organisation.slug, "counsellor", { name: "Bram Peeters" });
  const created = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  return { counsellor, colleague, caseId: created.id, user };
}

test("appointments on the case page: plan in words, the client's notice in Romanian with a map button, tasks, why no reminder", async () => {
  const { counsellor, colleague, caseId, user } = await world();
  const page = await signIn(counsellor.email);
  await page.goto(`${base}/console/cases/${caseId}`);
  await expect.poll(() => page.locator("dl.fields").first().textContent()).toContain("Telegram");

  // A time in the past: refused, in Dutch.
  const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 });
  await page.locator("#appt-date").fill(yesterday.toISODate() ?? "");
  await page.locator("#appt-time").fill("10:00");
  await page.locator("#appt-purpose").selectOption("job_interview");
  await page.locator("#appt-location").fill("Rue de la Loi 1, 1000 Bruxelles");
  await page.locator("#appt-with").fill("Lena Janssens");
  await page.getByRole("button", { name: "Afspraak maken" }).click();
  await expect
    .poll(() => page.locator("p.error").textContent())
    .toBe("Dat moment is al voorbij: kies een tijd in de toekomst.");

  // The day after tomorrow at 10:00: reminders tomorrow at 10:00 and 2 hours before.
  const inTwoDays = DateTime.now().setZone(ZONE).plus({ days: 2 });
  await page.locator("#appt-date").fill(inTwoDays.toISODate() ?? "");
  await page.locator("#appt-time").fill("10:00");
  await page.locator("#appt-purpose").selectOption("job_interview");
  await page.locator("#appt-location").fill("Rue de la Loi 1, 1000 Bruxelles");
  await page.locator("#appt-with").fill("Lena Janssens");
  await page.getByLabel("identiteitskaart").check();
  await page.getByLabel("bankkaart").check();
  await page.locator("details summary").click();
  await page.locator("#appt-note-ro").fill("și contractul de închiriere");
  await page.locator("#appt-note-fr").fill("et le contrat de bail");
  await checkPage(page, "case-01-new-appointment");
  await page.getByRole("button", { name: "Afspraak maken" }).click();
  await page.waitForURL(/done=appointment_created/);
  await expect
    .poll(() => page.locator("ul.appointments p.reminders").textContent())
    .toBe("Herinnering morgen om 10:00 en 2 uur vooraf");
  await expect
    .poll(() => page.locator("ul.appointments").textContent())
    .toContain("identiteitskaart en bankkaart");
  await checkPage(page, "case-02-appointment-planned");

  // The client: Romanian only, no empty line, the place as a URL button.
  await expect.poll(() => sentTo(user, "📅").length, { timeout: 15_000 }).toBe(1);
  const [notice] = sentTo(user, "📅");
  const text = String(notice?.text);
  expect(text).toContain("🎒 De adus: buletinul și cardul bancar");
  expect(text).toContain("📝 și contractul de închiriere");
  expect(text).not.toMatch(/—|http|%2C|contrat de bail/);
  const buttons = (
    (notice?.reply_markup ?? { inline_keyboard: [] }) as {
      inline_keyboard: { text: string; url?: string }[][];
    }
  ).inline_keyboard.flat();
  expect(buttons.at(-1)).toEqual({
    text: "🗺️ Hartă",
    url: "https://www.openstreetmap.org/search?query=Rue%20de%20la%20Loi%201%2C%201000%20Bruxelles",
  });

  // The client's answer is a task on the case page: handed to a colleague, then done.
  await user.tap(/Nu pot veni/);
  await page.reload();
  const task = page.locator("#tasks + ul.tasks li.card");
  await expect.poll(() => task.count()).toBe(1);
  await task.locator("select").selectOption(colleague.email);
  await task.getByRole("button", { name: "Geven" }).click();
  await page.waitForURL(/done=task_reassigned/);
  await expect.poll(() => page.locator("#tasks + ul.tasks").textContent()).toContain("Bram Peeters");
  await checkPage(page, "case-03-task");
  await page.locator("#tasks + ul.tasks").getByRole("button", { name: "Klaar" }).click();
  await expect.poll(() => page.locator("#tasks + ul.tasks").count()).toBe(0);

  // Moved to within the hour: too close for a reminder; the client is told the new time.
  const soon = DateTime.now().setZone(ZONE).plus({ minutes: 50 });
  const card = page.locator("ul.appointments li.card").first();
  await card.locator('input[type="date"]').fill(soon.toISODate() ?? "");
  await card.locator('input[type="time"]').fill(soon.toFormat("HH:mm"));
  await card.getByRole("button", { name: "Verplaatsen" }).click();
  await page.waitForURL(/done=appointment_moved/);
  await expect
    .poll(() => page.locator("ul.appointments p.reminders").textContent())
    .toBe("Geen herinnering: te dicht bij de afspraak.");
  await expect.poll(() => sentTo(user, "🔁").length, { timeout: 15_000 }).toBe(1);

  // The client stops messages: the page says so.
  await user.say("/stop");
  await page.reload();
  await expect
    .poll(() => page.locator("ul.appointments p.reminders").textContent())
    .toBe("Geen herinnering: de cliënt heeft de berichten stopgezet.");
  await checkPage(page, "case-04-no-reminder");

  await page.getByRole("button", { name: "Afspraak annuleren" }).click();
  await page.waitForURL(/done=appointment_cancelled/);
  await expect.poll(() => page.locator("ul.appointments").textContent()).toContain("geannuleerd");
  expect(await page.locator("ul.appointments p.reminders").count()).toBe(0);
}, 180_000);

test("placements on the case page: recorded with its check-ins, then ended", async () => {
  const { counsellor, caseId } = await world();
  const page = await signIn(counsellor.email);
  await page.goto(`${base}/console/cases/${caseId}`);
  const monday = DateTime.now().setZone(ZONE).plus({ days: 3 }).toISODate() ?? "";
  await page.locator("#pl-employer").fill("Bakkerij Het Zuiden");
  await page.locator("#pl-job").fill("bakkershulp");
  await page.locator("#pl-contract").fill("fixed-term");
  await page.locator("#pl-start").fill(monday);
  await page.getByRole("button", { name: "Tewerkstelling registreren" }).click();
  await page.waitForURL(/done=placement_recorded/);
  const placement = page.locator("ul.placements li.card");
  await expect.poll(() => placement.locator("ul li").count()).toBe(5);
  await expect.poll(() => placement.textContent()).toContain("aan het werk");
  expect((await app.db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe("working");
  await checkPage(page, "case-05-placement");

  await placement.locator('input[type="date"]').fill(monday);
  await placement.getByRole("button", { name: "Tewerkstelling beëindigen" }).click();
  await page.waitForURL(/done=placement_ended/);
  await expect.poll(() => page.locator("ul.placements li.card").textContent()).toContain("gestopt op");
  const checkIns = await app.db.checkIn.findMany({ where: { placement: { caseId } }, select: { id: true } });
  const nudges = await app.db.nudge.findMany({ where: { subjectId: { in: checkIns.map((c) => c.id) } } });
  expect(nudges.map((n) => n.status)).toEqual(Array(nudges.length).fill("cancelled"));
}, 120_000);
