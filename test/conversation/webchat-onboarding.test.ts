/**
 * Onboarding through the local web chat with the real conversation core: every language over the
 * page's HTTP API, and once in headless Chromium with an invite link, as a counsellor would try it.
 */
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { organisationWithCounsellor, posterCode } from "../domain/fixtures.ts";
import { launchChromium } from "../support/chromium.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
let base: string;
beforeAll(async () => {
  bed = await startTestBed();
  base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string, params?: Record<string, string>) =>
  bed.app.translator.t(key, locale, params);
const id = () => randomUUID().replaceAll("-", "");

interface ChatMessage {
  id: string;
  text: string;
  choices?: { id: string; label: string }[];
  locale: string;
  direction: string;
}

async function send(
  sessionId: string,
  body: { text?: string; choiceId?: string },
  after = "0",
): Promise<ChatMessage[]> {
  const response = await bed.app.http.inject({
    method: "POST",
    url: "/chat/api/messages",
    payload: { sessionId, messageId: id(), after, ...body },
  });
  expect(response.statusCode).toBe(200);
  return response.json().messages;
}

/** A session issued by the server, as the page gets one. */
async function newSession(): Promise<string> {
  const response = await bed.app.http.inject({ method: "POST", url: "/chat/api/sessions" });
  expect(response.statusCode).toBe(201);
  return response.json().sessionId;
}

describe("web chat onboarding", () => {
  test.each(CLIENT_LOCALES)("%s", async (locale) => {
    const session = await newSession();
    const [prompt] = await send(session, { text: `/start ${await posterCode(bed.app.db)}` });
    expect(prompt?.choices?.map((c) => c.id)).toContain(`language:${locale}`);
    const afterLanguage = await send(session, { choiceId: `language:${locale}` }, prompt?.id);
    expect(afterLanguage.map((m) => m.text)).toEqual([
      t("onboarding.welcome", locale),
      t("onboarding.consent_notice", locale),
    ]);
    expect(afterLanguage[1]?.direction).toBe(locale === "ar" ? "rtl" : "ltr");
    const done = await send(session, { choiceId: "consent:accept" }, afterLanguage.at(-1)?.id);
    expect(done.map((m) => m.text)).toEqual([
      t("onboarding.lead", locale),
      t("assessment.offer_prompt", locale),
    ]);
  });
});

describe("in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  test("an invite link opens the chat, the client taps through in Arabic and is linked to the counsellor", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
      organisation: "JobRoad",
      programme: "Refugees2work",
      counsellor: "Samir",
      locale: "nl",
    });
    const created = await createCase(bed.app.db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "ar" });
    const page = await context.newPage();
    await page.goto(`${base}/chat?start=${created.inviteCode}`);
    await page.getByRole("button", { name: /العربية/ }).click();
    await page.getByRole("button", { name: t("onboarding.consent_accept", "ar") }).click();
    const linked = t("onboarding.linked", "ar", { counsellor: "Samir" });
    await expect
      .poll(() => page.getByText(linked.slice(0, 12)).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    await page.screenshot({ path: "/tmp/webchat-e2e.png" });
    await context.close();

    const linkedCase = await bed.app.db.case.findUniqueOrThrow({ where: { id: created.id } });
    expect(linkedCase.clientId).not.toBeNull();
    expect(linkedCase.status).toBe("intake");
  }, 60_000);
});
