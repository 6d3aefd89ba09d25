/**
 * Matchmaking days in headless Chromium: a counsellor gives a vacancy a company visit from its
 * page; once a client booked a slot (as the buttons do), the vacancy's page and the list per
 * company show who comes when. axe-core: no serious violation; screenshots for a person to look at.
 */
import { DateTime } from "luxon";
import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { bookSlot } from "../../src/domain/vacancies/company-visits.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";
import { cleaner, vacancyWorld } from "../support/vacancy-world.ts";

let app: App;
let browser: Browser;
let base: string;
browserApp({}, (started) => ({ app, browser, base } = started));

test("a counsellor sets a company visit and sees who comes when, per company", async () => {
  const world = await vacancyWorld(app.db, [{ name: "Ana Lăcătuș", locale: "ro", answers: cleaner() }]);
  const [ana] = world.people;
  const vacancy = await postVacancy(app.db, world.organisation.id, {
    employer: "Net & Propre",
    jobCode: "office_cleaner",
    contractCode: "open_ended",
    municipality: "Anderlecht",
    hours: "part_time",
    texts: { ro: "Curățenie în birouri." },
  });
  const counsellor = await staffMember(app.db, world.organisation.slug, "counsellor");
  const page = await signInToConsole(browser, base, counsellor.email);
  await page.goto(`${base}/console/vacancies/${vacancy.id}`);
  // A day in the past is refused on the page, with why.
  await page.locator("#v-date").fill("2020-03-02");
  await page.getByLabel("Number of times").fill("3");
  await page.locator("#v-place").fill("Rue Wayez 12, Anderlecht");
  await page.getByLabel("Who they meet").fill("Sofie (HR)");
  await page.getByRole("button", { name: "Set the visit" }).click();
  await expect.poll(() => page.locator("p.error").textContent()).toContain("The visit is in the past");
  const day = DateTime.now().setZone("Europe/Brussels").plus({ days: 4 }).toISODate() as string;
  await page.locator("#v-date").fill(day);
  await page.getByLabel("Number of times").fill("3");
  await page.locator("#v-place").fill("Rue Wayez 12, Anderlecht");
  await page.getByLabel("Who they meet").fill("Sofie (HR)");
  await page.getByRole("button", { name: "Set the visit" }).click();
  await page.waitForURL(/#visit-title$/);
  const section = page.locator("section[aria-labelledby=visit-title]");
  expect(await section.locator("li").count()).toBe(3);
  expect(await section.textContent()).toContain("free");

  // Ana is interested and taps the first time (what the buttons do in her chat).
  const alert = await app.db.jobAlert.create({
    data: { vacancyId: vacancy.id, clientId: ana?.clientId ?? "", locale: "ro", status: "interested" },
  });
  const slot = await app.db.visitSlot.findFirstOrThrow({
    where: { visit: { vacancyId: vacancy.id } },
    orderBy: { startsAt: "asc" },
  });
  await app.db.$transaction((tx) =>
    bookSlot(tx, {
      alertId: alert.id,
      slotId: slot.id,
      clientId: ana?.clientId ?? null,
      now: new Date(),
      timeZone: "Europe/Brussels",
    }),
  );
  await page.reload();
  expect(await section.textContent()).toContain("Ana Lăcătuș");
  expect(await page.getByRole("button", { name: "Replace the visit" }).count()).toBe(0); // booked: it stays
  await page.getByRole("link", { name: "Company visits per company" }).click();
  expect(await page.locator("main h2").first().textContent()).toBe("Net & Propre");
  expect(await page.locator("main").textContent()).toContain("10:00");
  await checkPage(page, "visits");
}, 90_000);
