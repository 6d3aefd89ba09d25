/**
 * The match list in headless Chromium: ranked clients with the reasons and exclusions in the
 * counsellor's words (not codes), someone left out for fit added, one included person taken off,
 * sent through the outbox (one queued card per person, never twice); then the answers: an
 * interest (with its task) and a "not for me" with why. axe-core: no serious violation.
 */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { recordJobAnswer } from "../../src/domain/vacancies/job-alerts.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { seriousViolations } from "../support/axe.ts";
import { launchChromium } from "../support/chromium.ts";
import { signInToConsole } from "../support/console-session.ts";
import { staffMember } from "../support/staff.ts";
import { startTestApp } from "../support/test-app.ts";
import { cleaner, vacancyWorld } from "../support/vacancy-world.ts";

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

const signIn = (email: string): Promise<Page> =>
  signInToConsole(browser, base, email, { context: { viewport: { width: 1100, height: 900 } } });

test("a counsellor sees who matches and why, adjusts the list, sends, and follows the answers", async () => {
  const world = await vacancyWorld(app.db, [
    { name: "Ana Lăcătuș", locale: "ro", answers: cleaner() },
    {
      name: "Samir Haddad",
      locale: "ar",
      answers: cleaner({ residence: "applicant", languages: ["arabic"] }),
      legalAccessDate: "2099-02-15",
    },
    { name: "Ionela Stan", locale: "ro", answers: cleaner({ hours: "full_time" }) },
    { name: "Marius Dinu", locale: "ro", answers: cleaner({ weekends: false, interests: ["construction"] }) },
    { name: "Elena Rus", locale: "rom", answers: cleaner({ languages: ["romani", "romanian"] }) },
  ]);
  const [ana, samir, ionela, marius, elena] = world.people;
  const vacancy = await postVacancy(app.db, world.organisation.id, {
    employer: "Net & Propre",
    jobCode: "office_cleaner",
    contractCode: "open_ended",
    municipality: "Anderlecht",
    hours: "part_time",
    weekends: true,
    dutchLevel: "basic",
    texts: { ro: "Curățenie în birouri, dimineața.", ar: "تنظيف مكاتب صباحًا." },
  });
  const counsellor = await staffMember(app.db, world.organisation.slug, "counsellor");
  const page = await signIn(counsellor.email);
  await page.goto(`${base}/console/vacancies/${vacancy.id}`);

  const list = page.locator("section[aria-labelledby=match-title]");
  const text = (await list.textContent()) ?? "";
  expect(text).toContain("2 people match, best first");
  expect(text).toContain("wants to work in Cleaning");
  expect(text).toContain("available on weekends");
  expect(text).toContain("speaks Dutch: Good 🙂");
  expect(text).toContain("legal access to work from 15 February 2099");
  expect(text).toContain("wants Full-time");
  expect(text).toContain("not on weekends");
  expect(text).not.toMatch(/hours_fit|weekends_fit|no_legal_access_yet/);
  // Samir may not be added (the law), Ionela and Marius may (fit only).
  expect(await page.locator(`input[name=send][value="${samir?.caseId}"]`).count()).toBe(0);
  expect(await page.getByLabel("Add Ionela Stan anyway").isChecked()).toBe(false);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, "vacancy-match.png"), fullPage: true });

  await page.getByLabel("Add Ionela Stan anyway").check();
  await page.getByLabel("Send to Elena Rus").uncheck();
  await page.getByRole("button", { name: "Send to the ticked people" }).click();
  await expect.poll(() => page.locator("p.notice").textContent()).toContain("Sent to 2");

  const alerts = await app.db.jobAlert.findMany({ where: { vacancyId: vacancy.id } });
  expect(alerts.map((a) => a.clientId).sort()).toEqual([ana?.clientId, ionela?.clientId].sort());
  const cards = await app.db.message.findMany({
    where: { idempotencyKey: { in: alerts.map((a) => `job-alert:${a.id}`) } },
  });
  expect(cards).toHaveLength(2);
  expect(cards.every((c) => c.text?.startsWith("💼 Loc de muncă nou: Curățenie în birouri"))).toBe(true);
  expect(marius && elena).toBeTruthy();

  // The clients answer with the buttons of their card.
  const now = new Date();
  const anaAlert = alerts.find((a) => a.clientId === ana?.clientId);
  const ionelaAlert = alerts.find((a) => a.clientId === ionela?.clientId);
  await app.db.$transaction(async (tx) => {
    await recordJobAnswer(tx, {
      clientId: ana?.clientId ?? null,
      now,
      timeZone: "Europe/Brussels",
      alertId: anaAlert?.id ?? "",
      answer: "interested",
    });
    await recordJobAnswer(tx, {
      clientId: ionela?.clientId ?? null,
      now,
      timeZone: "Europe/Brussels",
      alertId: ionelaAlert?.id ?? "",
      answer: "not_for_me",
    });
    await recordJobAnswer(tx, {
      clientId: ionela?.clientId ?? null,
      now,
      timeZone: "Europe/Brussels",
      alertId: ionelaAlert?.id ?? "",
      reason: "hours",
    });
  });
  await page.goto(`${base}/console/vacancies/${vacancy.id}`);
  const after = (await list.textContent()) ?? "";
  expect(after).toContain("🙋 Interested · a task for you");
  expect(after).toContain("🙅 Not for them (⏰ Hours)");
  expect(await page.locator("section[aria-labelledby=answers-title]").textContent()).toContain(
    "1 interested · 1 not for them",
  );
  const task = await app.db.counsellorTask.findFirstOrThrow({
    where: { kind: "job.interest", caseId: ana?.caseId },
  });
  expect(task.data).toMatchObject({ vacancyId: vacancy.id });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, "vacancy-answers.png"), fullPage: true });

  // Sending again sends nothing twice.
  await page.getByRole("button", { name: "Send to the ticked people" }).click();
  await expect.poll(() => page.locator("p.notice").textContent()).toContain("Sent to 1"); // Elena, ticked again by default
  expect(await app.db.jobAlert.count({ where: { vacancyId: vacancy.id } })).toBe(3);
}, 120_000);
