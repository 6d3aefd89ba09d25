/**
 * The vacancy form in headless Chromium (with the console's CSP): a counsellor picks the job title
 * and contract from the lists, writes a Romanian and an Arabic text, and sees beside each the card
 * as the client will (Romanian title and "6 luni", right-to-left Arabic) before saving; the
 * vacancy's page shows the same cards. axe-core finds no serious or critical violation; screenshots
 * are written for a person to look at. A steward gets 403.
 */
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import { checkPage } from "../support/page-check.ts";
import { staffMember } from "../support/staff.ts";

let app: App;
let browser: Browser;
let base: string;
browserApp({}, (started) => ({ app, browser, base } = started));

const signIn = (email: string, viewport: { width: number; height: number }): Promise<Page> =>
  signInToConsole(browser, base, email, { context: { viewport } });

test("a counsellor posts a vacancy from the lists and sees each card as the client will", async () => {
  const { organisation } = await organisationWithCounsellor(app.db);
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor", { locale: "en" });
  const page = await signIn(counsellor.email, { width: 1200, height: 900 });
  await page.getByRole("link", { name: "Vacancies" }).click();
  await page.getByRole("link", { name: "Post a vacancy" }).click();
  expect(await page.getByLabel("The employer asks for a CV").isChecked()).toBe(false);
  await page.getByLabel("Employer", { exact: true }).fill("Net & Propre SRL");
  await page.getByLabel("Job title", { exact: true }).selectOption("office_cleaner");
  await page.getByLabel("Contract", { exact: true }).selectOption("fixed_term");
  await page.getByLabel("Months (fixed term)").fill("6");
  await page.getByLabel("Municipality").fill("Anderlecht");
  await page.getByLabel("How to get there").fill("Metro 5, Clemenceau");
  await page.getByLabel("Hours", { exact: true }).selectOption("part_time");
  await page.getByLabel("Text in Romanian").fill("Curățenie în birouri, dimineața, de luni până vineri.");
  await page.getByLabel("Text in Arabic").fill("تنظيف مكاتب صباحًا، من الاثنين إلى الجمعة.");

  const romanian = page.locator("#preview-ro");
  await expect.poll(() => romanian.textContent()).toContain("💼 Loc de muncă nou: Curățenie în birouri");
  expect(await romanian.textContent()).toContain("Contract pe perioadă determinată, 6 luni");
  expect(await romanian.textContent()).not.toMatch(/CDD|Nettoy|Net & Propre/);
  const arabic = page.locator("#preview-ar .bubble").first();
  expect(await arabic.getAttribute("dir")).toBe("rtl");
  expect(await arabic.textContent()).toContain("عامل نظافة مكاتب");
  expect(await page.locator("#preview-bg").textContent()).toContain("No text in Bulgarian");
  await checkPage(page, "vacancy-form");

  await page.getByRole("button", { name: "Save the vacancy" }).click();
  await page.waitForURL(/\/console\/vacancies\/[a-z0-9]+$/);
  expect(await page.locator("h1").textContent()).toBe("Office cleaner · Anderlecht");
  expect(await page.locator("dl.fields").textContent()).toContain(
    "hidden from clients until they are interested",
  );
  expect(await page.locator(".lang-cards").textContent()).toContain("6 luni");
  const stored = await app.db.vacancy.findFirstOrThrow({ where: { organisationId: organisation.id } });
  expect(stored).toMatchObject({
    jobCode: "office_cleaner",
    sector: "cleaning",
    contractCode: "fixed_term",
    contractMonths: 6,
    cvNeeded: false,
    employerHidden: true,
  });
  await checkPage(page, "vacancy-page");

  const phone = await signIn(counsellor.email, { width: 390, height: 844 });
  await phone.goto(`${base}/console/vacancies/${stored.id}/edit`);
  expect(await phone.getByLabel("Job title", { exact: true }).inputValue()).toBe("office_cleaner");
  await checkPage(phone, "vacancy-form-phone");

  const steward = await staffMember(app.db, organisation.slug, "steward");
  const stewardPage = await signIn(steward.email, { width: 390, height: 844 });
  expect((await stewardPage.goto(`${base}/console/vacancies`))?.status()).toBe(403);
  expect((await stewardPage.goto(`${base}/console/vacancies/${stored.id}`))?.status()).toBe(403);
}, 120_000);
