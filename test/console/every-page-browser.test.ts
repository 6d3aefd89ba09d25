/**
 * Every console page, in each console language (nl, fr, en), at a desk (1280×800) and on a phone
 * (390 wide), in headless Chromium against the real app, Postgres, Redis, workers and the fake
 * Telegram: a world with a handover answered in the inbox, leads, a vacancy, a broadcast and a
 * funnel. On each page axe-core finds no serious or critical violation, no page scrolls sideways
 * at 390 px, and no translation key shows instead of its text. Screenshots go to
 * CONSOLE_SCREENSHOTS/every-page (default: a folder in the system's temp dir) for a person to
 * look at.
 *
 * With COMPARE_CSS=<an older console.css>, each page is also drawn with that stylesheet instead
 * (same page, same data: the stylesheet is swapped in place) and the two drawings are compared
 * pixel by pixel: a rewrite of the CSS that should change nothing is proven to change nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { PNG } from "pngjs";
import { expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { seriousViolations } from "../support/axe.ts";
import { browserApp } from "../support/browser-app.ts";
import { signInToConsole } from "../support/console-session.ts";
import type { FakeTelegram } from "../support/fake-telegram.ts";
import { funnelWorld } from "../support/funnel-world.ts";
import { htmxSettled } from "../support/htmx.ts";
import { brokenLabels } from "../support/label-wrap.ts";
import { screenshotFolder } from "../support/screenshots.ts";
import { staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";

const shots = screenshotFolder("CONSOLE_SCREENSHOTS", "every-page");
const compareCss = process.env.COMPARE_CSS ? readFileSync(process.env.COMPARE_CSS, "utf8") : undefined;
const LOCALES = ["nl", "fr", "en"] as const;
const VIEWPORTS = [
  { name: "desk", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
];

let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let base: string;
// No scrollbars: a scrollbar that fades in and out would make two drawings of a page differ.
browserApp(
  { telegram: true, workers: true, env: { TELEGRAM_CHAT_GAP_MS: "50" }, chromiumArgs: ["--hide-scrollbars"] },
  (started) => ({ telegram, app, browser, base } = started),
);

/** The world every page shows something of; returns the ids the pages need. */
async function seed() {
  const world = await funnelWorld(app.db);
  const { organisation, programme, counsellor } = world;
  const quiet = DateTime.now().setZone("Europe/Brussels").plus({ hours: 2 }).startOf("hour");
  await app.db.programme.update({
    where: { id: programme.id },
    data: {
      name: "Roma@Work 2.0",
      settings: {
        quietHours: { start: quiet.toFormat("HH:mm"), end: quiet.plus({ hours: 1 }).toFormat("HH:mm") },
      },
    },
  });
  const staff = Object.fromEntries(
    await Promise.all(
      LOCALES.map(async (locale) => [
        locale,
        await staffMember(app.db, organisation.slug, "coordinator", {
          name: { nl: "Els Peeters", fr: "Sophie Dubois", en: "Sam Taylor" }[locale],
          locale,
        }),
      ]),
    ),
  ) as Record<(typeof LOCALES)[number], { email: string }>;
  const handover = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
    reference: "RW-2026-0042",
  });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${handover.inviteCode}`);
  await user.tap("language:rom");
  await user.tap("consent:accept");
  await user.tap("done:now");
  await user.tap("nav:counsellor");
  await user.say("Šaj avav tehara ando biro? Man si 3 glasura.");
  const vacancy = await postVacancy(app.db, organisation.id, {
    employer: "Schoonmaakbedrijf Vandenbroucke & Zonen",
    jobCode: "office_cleaner",
    contractCode: "fixed_term",
    contractMonths: 6,
    municipality: "Sint-Jans-Molenbeek",
    hours: "part_time",
    weekends: true,
    dutchLevel: "basic",
    texts: { ro: "Curățenie în birouri, dimineața.", ar: "تنظيف مكاتب صباحًا، 20 ساعة في الأسبوع." },
  });
  const page = await signInToConsole(browser, base, staff.en.email, {
    context: { viewport: { width: 1280, height: 800 } },
  });
  await page.goto(`${base}/console/cases/${handover.id}/conversation`);
  await page.locator("#reply-text").fill("Ja, morgen om 10:00. Neem je identiteitskaart mee.");
  await page.locator("#text-form button[type=submit]").click();
  await page.waitForURL(/sent=1/);
  const broadcastId = await sendBroadcast(page);
  await page.context().close();
  return { staff, programme, caseId: handover.id, vacancyId: vacancy.id, broadcastId };
}

/** Sends a broadcast to the programme through the builder; returns its id. */
async function sendBroadcast(page: Page): Promise<string> {
  await page.goto(`${base}/console/broadcasts/new`);
  await page.getByLabel("Roma@Work 2.0").check();
  await expect.poll(() => page.locator("#composer textarea").count()).toBeGreaterThan(0);
  await htmxSettled(page);
  const texts: Record<string, string> = {
    ro: "Curs nou de stivuitorist luni la 9.",
    ar: "دورة جديدة لقيادة الرافعة يوم الاثنين الساعة 9.",
    rom: "Nevo kurso luni ko 9.",
  };
  for (const locale of await page.locator("#composer textarea").evaluateAll((els) => els.map((e) => e.id))) {
    await page.locator(`#${locale}`).fill(texts[locale.replace("text-", "")] ?? "Text");
    await htmxSettled(page);
  }
  await expect.poll(() => page.locator("#refusal").textContent()).toBe("");
  await htmxSettled(page);
  await page.locator("#send button").click();
  await page.waitForURL(/\/console\/broadcasts\/[a-z0-9]+$/);
  return page.url().split("/").at(-1) as string;
}

/**
 * What the page shows that it should not: sideways scrolling, the current section out of sight,
 * a translation key, a language code or the programme's slug where a person reads a name.
 */
async function layoutDefects(page: Page, programmeSlug: string): Promise<string[]> {
  return page.evaluate((slug) => {
    const found: string[] = [];
    for (const cell of document.querySelectorAll("main dd, main td"))
      if (/^(ro|rom|ar|bg|nl|fr|en)$/.test(cell.textContent?.trim() ?? ""))
        found.push(`a language code shows: ${cell.textContent}`);
    const visible = document.querySelector("main")?.textContent ?? "";
    // French guillemets hold their words with no-break spaces: « Autre » never splits at a line end.
    if (document.documentElement.lang === "fr" && /« | »/.test(visible))
      found.push(`a guillemet with a breaking space: ${/.{0,20}(« | »).{0,20}/.exec(visible)?.[0]}`);
    if (document.documentElement.lang === "fr") {
      // French puts a narrow no-break space before : ; ! ?, also after a label the page adds a
      // colon to ("Code d’invitation : …"); text in another language (a client's message) is its own.
      const unspaced = /(?<![\u202f:;!?])[:;!?](?=\s|$)/;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? "";
        const inFrench = node.parentElement?.closest("[lang]")?.getAttribute("lang") === "fr";
        const mark = unspaced.exec(text);
        if (mark && inFrench && !node.parentElement?.closest("code, script, style, textarea"))
          found.push(
            `a ${mark[0]} without U+202F before it: ${text.slice(Math.max(0, mark.index - 20), mark.index + 1)}`,
          );
      }
      const labels = [...document.querySelectorAll("[aria-label]")].map(
        (e) => e.getAttribute("aria-label") ?? "",
      );
      for (const label of labels.filter((l) => unspaced.test(l)))
        found.push(`a mark without U+202F before it in an aria-label: ${label}`);
    }
    if (visible.includes(slug)) found.push(`the programme's slug shows: ${slug}`);
    // A flow by its name, never by its file (the voice page's groups).
    const file = /[\w/-]+\.ya?ml\b/.exec(visible);
    if (file) found.push(`a file name shows: ${file[0]}`);
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      // Name the innermost elements that reach past the right edge: what to fix.
      const scrolledAway = (e: Element) => {
        for (let up = e.parentElement; up; up = up.parentElement)
          if (getComputedStyle(up).overflowX !== "visible") return true;
        return false;
      };
      const past = [...document.body.querySelectorAll("*")].filter(
        (e) => e.getBoundingClientRect().right > root.clientWidth + 1 && !scrolledAway(e),
      );
      const innermost = past.filter((e) => !past.some((o) => o !== e && e.contains(o)));
      const names = innermost.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      found.push(`scrolls sideways: ${root.scrollWidth}px in ${root.clientWidth}px (${names.join(", ")})`);
    }
    // On a phone the bar of sections scrolls sideways: the section shown must be in sight.
    const here = document.querySelector('body > nav a[aria-current="page"]');
    const bar = here?.closest("ul")?.getBoundingClientRect();
    const link = here?.getBoundingClientRect();
    if (link && bar && (link.left < bar.left - 1 || link.right > bar.right + 1))
      found.push(`the section shown is out of sight in the navigation: ${here?.textContent}`);
    // The browser's tab names the section as well ("Ana – Inbox – …"), and no heading repeats the
    // page's own (a reader learns nothing from the second).
    const section = here?.textContent?.trim();
    if (section && !document.title.includes(section))
      found.push(`the tab's title does not name the section "${section}": ${document.title}`);
    const heading = document.querySelector("main h1")?.textContent?.trim();
    for (const h of document.querySelectorAll("main h2, main h3"))
      if (h.textContent?.trim() === heading) found.push(`a heading repeats the page's: ${heading}`);
    // A chart's words as drawn (its units scaled to its box) are at least 12 px: readable on a phone.
    for (const svg of document.querySelectorAll<SVGSVGElement>("main svg[viewBox]")) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const text of svg.querySelectorAll("text")) {
        const drawn = Number.parseFloat(getComputedStyle(text).fontSize) * scale;
        if (drawn < 12) {
          found.push(`a chart's text drawn at ${drawn.toFixed(1)} px: ${text.textContent}`);
          break;
        }
      }
    }
    // A page's own navigation (the inbox's filters, the voice page's languages) is not drawn as
    // the bar of sections: the bar's style belongs to the bar.
    const barColour = (list: Element | null) => (list ? getComputedStyle(list).backgroundColor : "");
    const sections = barColour(document.querySelector("body > nav ul"));
    for (const list of document.querySelectorAll("main nav ul"))
      if (barColour(list) === sections)
        found.push(
          `a navigation in the page looks like the bar of sections: ${list.textContent?.trim().slice(0, 40)}`,
        );
    // A key shows instead of its text (a code sample such as the voice page's keys is meant).
    const key = /\b(console|common|onboarding|assessment|vacancy|broadcast)\.(?!yaml\b)[a-z_]+\b/;
    const clone = document.body.cloneNode(true) as HTMLElement;
    for (const code of clone.querySelectorAll("code")) code.remove();
    const hit = key.exec(clone.textContent ?? "");
    if (hit) found.push(`a key shows: ${hit[0]}`);
    // A text shown without the value it was given ("Dossier {{reference}}"); the voice page shows
    // a bot message as it is recorded, its placeholders and all.
    for (const message of clone.querySelectorAll(".voice-text")) message.remove();
    const placeholder = /\{\{\s*\w+\s*\}\}/.exec(clone.textContent ?? "");
    if (placeholder) found.push(`a placeholder shows: ${placeholder[0]}`);
    return found;
  }, programmeSlug);
}

// Plain screenshots: Playwright's "animations: disabled" redraws a page a little differently.
const STILL = { fullPage: true } as const;

/**
 * Two screenshots of the same page with the same stylesheet may differ by 1 or 2 in a colour
 * channel here and there (the edge of a select, of a button: Chromium's rasterising, not the
 * page). A pixel counts as changed when a channel differs by more than that.
 */
const JITTER = 2;

/** How many pixels differ between two drawings (all of them when the sizes differ). */
function pixelsBetween(a: PNG, b: PNG): number {
  if (a.width !== b.width || a.height !== b.height) return Number.POSITIVE_INFINITY;
  let differ = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const most = Math.max(
      Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)),
      Math.abs((a.data[i + 1] ?? 0) - (b.data[i + 1] ?? 0)),
      Math.abs((a.data[i + 2] ?? 0) - (b.data[i + 2] ?? 0)),
      Math.abs((a.data[i + 3] ?? 0) - (b.data[i + 3] ?? 0)),
    );
    if (most > JITTER) differ++;
  }
  return differ;
}

/**
 * Draws the page as it is, then with `css` in place of its stylesheet (same document, same data),
 * then as it is again; returns how the first two differ ("" when not at all). The third drawing
 * shows that the page itself held still (else the comparison would prove nothing).
 */
async function changeBy(page: Page, css: string, file: string): Promise<string> {
  const now = PNG.sync.read(await page.screenshot(STILL));
  await page.evaluate((text) => {
    const link = document.querySelector<HTMLLinkElement>('link[href*="console.css"]');
    if (!link) throw new Error("no stylesheet link");
    const style = document.createElement("style");
    style.id = "compare-css";
    style.textContent = text;
    link.after(style);
    link.disabled = true;
  }, css);
  const before = PNG.sync.read(await page.screenshot(STILL));
  await page.evaluate(() => {
    document.getElementById("compare-css")?.remove();
    const link = document.querySelector<HTMLLinkElement>('link[href*="console.css"]');
    if (link) link.disabled = false;
  });
  const again = PNG.sync.read(await page.screenshot(STILL));
  const differ = pixelsBetween(now, before);
  const unsteady = pixelsBetween(now, again);
  if (differ) writeFileSync(`${file}-with-older-css.png`, PNG.sync.write(before));
  if (unsteady) return `the page itself changed (${unsteady} pixels)`;
  return differ ? `${differ} pixels` : "";
}

test("every console page in nl, fr and en, at 1280 and at 390 wide", async () => {
  const world = await seed();
  const only = process.env.EVERY_PAGE_ONLY?.split(",");
  const all: [string, string][] = [
    ["inbox", "/console/inbox"],
    ["conversation", `/console/cases/${world.caseId}/conversation`],
    ["leads", "/console/leads"],
    ["cases", "/console/cases"],
    ["case", `/console/cases/${world.caseId}`],
    ["tasks", "/console/tasks"],
    ["vacancies", "/console/vacancies"],
    ["vacancy-new", "/console/vacancies/new"],
    ["vacancy", `/console/vacancies/${world.vacancyId}`],
    ["broadcasts", "/console/broadcasts"],
    ["broadcast-new", "/console/broadcasts/new"],
    ["broadcast-report", `/console/broadcasts/${world.broadcastId}`],
    ["funnel", "/console/funnel"],
    ["staff", "/console/staff"],
    ["voice", "/console/voice"],
    ["me", "/console/me"],
    ["visits", "/console/visits"],
    ["poster", `/console/programmes/${world.programme.id}/poster`],
  ];
  // EVERY_PAGE_ONLY=voice,funnel: only these pages (while fixing one).
  const pages = all.filter(([name]) => !only || only.includes(name));
  const defects: string[] = [];
  const changed: string[] = [];
  const look = async (page: Page, name: string) => {
    for (const v of await seriousViolations(page)) defects.push(`${name}: ${v}`);
    for (const d of await layoutDefects(page, world.programme.slug)) defects.push(`${name}: ${d}`);
    for (const d of await brokenLabels(page)) defects.push(`${name}: ${d}`);
    const file = path.join(shots, name);
    await page.screenshot({ path: `${file}.png`, fullPage: true });
    if (compareCss) {
      const change = await changeBy(page, compareCss, file);
      if (change) changed.push(`${name}: ${change}`);
    }
  };
  for (const locale of LOCALES) {
    for (const viewport of VIEWPORTS) {
      const size = { width: viewport.width, height: viewport.height };
      const signedOut = await browser.newContext({ viewport: size, locale, bypassCSP: true });
      const signIn = await signedOut.newPage();
      await signIn.goto(`${base}/console`);
      await look(signIn, `${locale}-${viewport.name}-sign-in`);
      await signedOut.close();
      const page = await signInToConsole(browser, base, world.staff[locale].email, {
        context: { viewport: size, bypassCSP: true },
      });
      for (const [name, url] of pages) {
        expect((await page.goto(`${base}${url}`))?.status(), url).toBe(200);
        if (name === "broadcast-new") {
          await page.getByLabel("Roma@Work 2.0").check();
          await expect.poll(() => page.locator("#composer textarea").count()).toBeGreaterThan(0);
          await htmxSettled(page);
        }
        await look(page, `${locale}-${viewport.name}-${name}`);
        if (name === "conversation") {
          // The tab says whose conversation: the client's name, the inbox, the console.
          const words = (key: string) => app.translator.t(`console.${key}`, locale);
          const wanted = `Ana – ${words("nav_inbox")} – ${words("app_name")}`;
          if ((await page.title()) !== wanted)
            defects.push(`${locale} conversation: tab "${await page.title()}", not "${wanted}"`);
        }
      }
      await page.context().close();
    }
  }
  expect({ defects, changed }).toEqual({ defects: [], changed: [] });
}, 600_000);
