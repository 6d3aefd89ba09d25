/**
 * The web chat on a 390×844 phone, step by step, in Arabic, Romani, Romanian, Bulgarian and French,
 * with the real app (core, flows, translations, outbox): the language question, the consent notice,
 * a choice question, a free-text answer, a job alert with its buttons and "ask my counsellor". At
 * every step axe-core finds no serious or critical violation, nothing scrolls sideways, every
 * button or link is at least 44×44 px, no translation key shows, no line of a bubble begins with
 * a mark that belongs to the word before it (French "d’accord ?" with its U+202F), and the
 * handover notice writes its office hours in the language's one time shape
 * (docs/decisions/0025). Screenshots go to WEBCHAT_SCREENSHOTS (default: a folder in the
 * system's temp dir) for a person to look at.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import type { App } from "../../../src/app.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { sendJobAlerts } from "../../../src/domain/vacancies/job-alerts.ts";
import { postVacancy } from "../../../src/domain/vacancies/vacancies.ts";
import { FSI, PDI } from "../../../src/i18n/bidi.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import { seriousViolations } from "../../support/axe.ts";
import { browserApp } from "../../support/browser-app.ts";
import { phonePage } from "../../support/chromium.ts";
import { screenshotFolder } from "../../support/screenshots.ts";
import { assessmentOf, cleaner } from "../../support/vacancy-world.ts";

const shots = screenshotFolder("WEBCHAT_SCREENSHOTS");
const WAIT = { timeout: 15_000 };

let app: App;
let browser: Browser;
let base: string;
browserApp({ workers: true }, (started) => ({ app, browser, base } = started));

const t = (key: string, locale: string, params?: Record<string, string>) =>
  app.translator.t(key, locale, params);

/** What a client should not meet: sideways scrolling, a small tap target, a translation key. */
async function pageDefects(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`scrolls sideways: ${root.scrollWidth}px`);
    for (const element of document.querySelectorAll<HTMLElement>("button, a[href], textarea")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || element.closest("[hidden]")) continue;
      if (box.width < 44 || box.height < 44)
        found.push(
          `small tap target (${Math.round(box.width)}×${Math.round(box.height)}): ${element.id || element.textContent}`,
        );
    }
    // A button or bubble whose first letter is Arabic reads right to left (an emoji first does not decide).
    for (const element of document.querySelectorAll<HTMLElement>("li.bubble, .choices button, .choices a")) {
      const letter = /[\p{Script=Arabic}\p{Script=Latin}\p{Script=Cyrillic}]/u.exec(
        element.textContent ?? "",
      );
      if (letter && /\p{Script=Arabic}/u.test(letter[0]) && getComputedStyle(element).direction !== "rtl")
        found.push(`Arabic laid out left to right: ${element.textContent}`);
    }
    const key = /\b(common|onboarding|assessment|jobs|vacancy|webchat|commands|handover)\.[a-z_]+\b/;
    const hit = key.exec(document.querySelector("main")?.textContent ?? "");
    if (hit) found.push(`a key shows: ${hit[0]}`);
    return found;
  });
}

/**
 * Lines of a bubble that begin with a mark belonging to the word before it (`; : ! ? »`): French
 * writes U+202F before it, at which no line may break, so "d’accord ?" never leaves a lone "?".
 */
async function linesBeginningWithAMark(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const rectOf = (node: Text, start: number, end: number) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      return range.getBoundingClientRect();
    };
    for (const paragraph of document.querySelectorAll("li.bubble p")) {
      const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        for (const mark of node.data.matchAll(/(?<=[^\s;:!?»]\s?)[;:!?»]/gu)) {
          const before = node.data.slice(0, mark.index).trimEnd();
          const word = before.length - ([...before].at(-1) ?? "").length;
          if (rectOf(node, mark.index, mark.index + 1).top > rectOf(node, word, before.length).bottom - 1)
            found.push(
              `a line begins with ${mark[0]}: …${node.data.slice(Math.max(0, mark.index - 20), mark.index + 1)}`,
            );
        }
      }
    }
    return found;
  });
}

/** Taps the button labelled `label` on the newest bubble that has one. */
async function tap(page: Page, label: string): Promise<void> {
  await page.locator(".bot button:not([disabled])", { hasText: label }).last().tap();
}

/** Waits until the newest bot bubble says `text` (its start: the rest may carry values). */
async function botSays(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.locator(".bot p").last().textContent(), WAIT).toContain(text.slice(0, 20));
}

test.each(["ar", "rom", "ro", "bg", "fr"])(
  "the web chat in %s, step by step, at 390×844",
  async (locale) => {
    const { s, programme } = await openProgramme(app.db);
    await createCounsellor(app.db, {
      organisationSlug: `o-${s}`,
      name: "Samir Haddad",
      email: `samir-${s}@example.org`,
    });
    const created = await createCase(app.db, {
      programmeSlug: programme.slug,
      counsellorEmail: `samir-${s}@example.org`,
    });
    const page = await phonePage(browser, locale);
    const defects: string[] = [];
    const look = async (step: string) => {
      for (const v of await seriousViolations(page)) defects.push(`${step}: ${v}`);
      for (const d of await pageDefects(page)) defects.push(`${step}: ${d}`);
      for (const d of await linesBeginningWithAMark(page)) defects.push(`${step}: ${d}`);
      await page.screenshot({ path: path.join(shots, `webchat-${locale}-${step}.png`) });
    };

    await page.goto(`${base}/chat?start=${created.inviteCode}`);
    await botSays(page, t("onboarding.language_prompt", locale));
    await look("1-language");
    await tap(page, t("meta.native_name", locale));
    await botSays(page, t("onboarding.consent_notice", locale));
    await look("2-consent");
    await tap(page, t("onboarding.consent_accept", locale));
    await botSays(page, t("assessment.offer_prompt", locale));
    await look("3-offer");
    await tap(page, t("assessment.offer_yes", locale));
    await botSays(page, t("assessment.residence_prompt", locale));
    await look("4-choice");
    await tap(page, t("assessment.residence_eu_citizen", locale));
    await tap(page, t("assessment.housing_rented", locale));
    await botSays(page, t("assessment.place_prompt", locale));
    const direction = () => page.locator("#text").evaluate((e) => getComputedStyle(e).direction);
    const pageDirection = locale === "ar" ? "rtl" : "ltr";
    expect(await direction()).toBe(pageDirection);
    await page.locator("#text").fill("Sint-Jans-Molenbeek, Rue de Ribaucourt 12");
    // What is typed is laid out in its own direction: a Latin address in an Arabic chat too.
    expect(await direction()).toBe("ltr");
    await look("5-free-text");
    await page.locator("#send").tap();
    await botSays(page, t("assessment.transport_prompt", locale));
    expect(await direction(), "the empty box takes the page's direction again").toBe(pageDirection);
    await look("6-after-free-text");

    const linked = await app.db.case.findUniqueOrThrow({ where: { id: created.id } });
    if (!linked.clientId) throw new Error("the chat did not link the case");
    await app.db.case.update({ where: { id: created.id }, data: { status: "preparation" } });
    await assessmentOf(app.db, { clientId: linked.clientId, caseId: created.id }, cleaner());
    const vacancy = await postVacancy(app.db, programme.organisationId, {
      employer: "Net & Propre",
      jobCode: "office_cleaner",
      contractCode: "fixed_term",
      contractMonths: 6,
      municipality: "Anderlecht",
      hours: "part_time",
      weekends: true,
      texts: {
        ar: "تنظيف مكاتب صباحًا، 20 ساعة في الأسبوع، 14 يورو للساعة.",
        rom: "Užaripe ando biroja, 20 ore ko kurko, 14 € po ora.",
        ro: "Curățenie în birouri, 20 de ore pe săptămână, 14 € pe oră.",
        bg: "Почистване на офиси, 20 часа седмично, 14 € на час.",
        fr: "Nettoyage de bureaux le matin, 20 heures par semaine, 14 € de l’heure.",
      },
    });
    const bubbles = await page.locator("li.bot").count();
    const report = await sendJobAlerts(
      { db: app.db, translator: app.translator, outbox: app.outbox },
      { vacancyId: vacancy.id, today: new Date().toISOString().slice(0, 10) },
    );
    expect(report.sent).toEqual([created.id]);
    await expect.poll(() => page.locator("li.bot").count(), WAIT).toBeGreaterThan(bubbles);
    const alert = page.locator("li.bot").last();
    await expect.poll(() => alert.locator("button").count(), WAIT).toBeGreaterThan(0);
    await alert.scrollIntoViewIfNeeded();
    await look("7-job-alert");
    if (locale === "ar") {
      // Values inside right-to-left text are isolated: "Anderlecht" and "6" stay in one piece.
      const text = (await alert.locator("p").first().textContent()) ?? "";
      expect(text).toContain(`${FSI}Anderlecht${PDI}`);
    }

    await page
      .locator(".bot .choices.nav button:not([disabled])", { hasText: t("common.nav_counsellor", locale) })
      .last()
      .tap();
    const handover = t("handover.counsellor_open", locale).slice(0, 12);
    await expect.poll(() => page.locator(".bot p").last().textContent(), WAIT).toContain(handover);
    await look("8-handover");
    // The office hours (and the next opening, out of hours) in the language's one time shape (0025).
    const told = (await page.locator(".bot p").last().textContent()) ?? "";
    if (locale === "bg") expect(told).toMatch(/(?<!\d)9:00/);
    else expect(told).toMatch(/09:00/);
    expect(told).not.toMatch(locale === "bg" ? /(?<!\d)0\d:\d\d/ : /(?<![\d:])\d:\d\d/);
    if (locale === "ar") expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(defects).toEqual([]);
    await page.context().close();
  },
  120_000,
);
