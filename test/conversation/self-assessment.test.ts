/**
 * The self-assessment end to end through Telegram: a client onboards with a counsellor's invite,
 * accepts the offer, answers every question by tapping or typing, and the app stores the
 * Assessment on the case, moves the case to preparation and sends a summary in their language.
 * Also: a restart of the app in the middle, and /assessment on demand.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { type BotMessage, TelegramUser } from "../support/telegram-user.ts";
import { startTestApp } from "../support/test-app.ts";

let telegram: FakeTelegram;
let app: App;
beforeAll(async () => {
  telegram = await startFakeTelegram();
  app = await startTestApp({ telegram });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

const t = (key: string, locale: string, params?: Record<string, string>) =>
  app.translator.t(key, locale, params);

/** What the person does at each question: taps (choice codes) or types. */
type Script = Record<string, { tap: string[] } | { say: string }>;

async function waitingStep(app: App, user: TelegramUser): Promise<string | null> {
  const run = await app.db.flowRun.findFirst({
    where: {
      status: "active",
      flowId: "self_assessment",
      conversation: { channel: "telegram", externalConversationId: String(user.userId) },
    },
  });
  return run?.stepId ?? null;
}

/** Answers questions from `script` until the run ends (or `stopAt` is waiting). Returns the last replies. */
async function answer(app: App, user: TelegramUser, script: Script, stopAt?: string): Promise<BotMessage[]> {
  let replies: BotMessage[] = [];
  for (let guard = 0; guard < 60; guard++) {
    const step = await waitingStep(app, user);
    if (!step || step === stopAt) return replies;
    const move = script[step];
    if (!move) throw new Error(`the script has no answer for "${step}"`);
    if ("say" in move) replies = await user.say(move.say);
    else for (const code of move.tap) replies = await user.tap(`${step}:${code}`);
  }
  throw new Error("the questionnaire did not end");
}

async function invitedCase() {
  const { programme, counsellor } = await organisationWithCounsellor(app.db, FOYER);
  return createCase(app.db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });
}

async function onboardAndAccept(user: TelegramUser, locale: string, code: string): Promise<void> {
  await user.say(`/start ${code}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  const intro = await user.tap("done:now");
  expect(intro.map((m) => m.text)).toEqual([
    t("assessment.intro", locale),
    t("assessment.residence_prompt", locale),
  ]);
}

const romaClient: Script = {
  residence: { tap: ["eu_citizen"] },
  housing: { tap: ["rented"] },
  place: { say: "Anderlecht" },
  transport: { tap: ["walk", "public_transport", "_done"] },
  driving_licence: { tap: ["no"] },
  childcare_needed: { tap: ["yes"] },
  health_limits: { tap: ["no"] },
  housing_stable: { tap: ["yes"] },
  urgent_money: { tap: ["yes"] },
  languages: { tap: ["romani", "romanian", "_done"] },
  dutch_level: { tap: ["none"] },
  french_level: { tap: ["basic"] },
  english_level: { tap: ["none"] },
  elementary_school: { tap: ["no"] },
  vocational: { tap: ["no"] },
  experience: { tap: ["scrap_collection", "cleaning", "_done"] },
  experience_years: { tap: ["over_5"] },
  experience_where: { tap: ["both"] },
  interests: { tap: ["cleaning", "construction", "_done"] },
  hours: { tap: ["part_time"] },
  shifts: { tap: ["day", "_done"] },
  weekends: { tap: ["no"] },
  start_when: { tap: ["now"] },
  motivation: { tap: ["_skip"] },
};

test("Romani: a Roma client completes the assessment by tapping; the counsellor's case gets it", async () => {
  const created = await invitedCase();
  const user = new TelegramUser(app, telegram);
  await onboardAndAccept(user, "rom", created.inviteCode);
  const summary = await answer(app, user, romaClient);

  expect(summary.map((m) => m.text)).toEqual([
    t("assessment.summary_intro", "rom"),
    t("assessment.summary_open", "rom", {
      // Romani joins with its own "thaj" (locales/rom/meta.json).
      list: `${t("assessment.precondition_childcare", "rom")} thaj ${t("assessment.precondition_money", "rom")}`,
    }),
    t("assessment.summary_sectors", "rom", {
      list: `${t("assessment.interests_cleaning", "rom")} thaj ${t("assessment.interests_construction", "rom")}`,
    }),
    t("assessment.summary_next", "rom"),
  ]);
  const assessment = await app.db.assessment.findFirstOrThrow({ where: { caseId: created.id } });
  expect(assessment.answers).toMatchObject({
    residence: "eu_citizen",
    transport: ["walk", "public_transport"],
    experience: ["scrap_collection", "cleaning"],
    experience_years: "over_5",
    motivation: null,
  });
  expect(assessment.readiness).toMatchObject({ openPreconditions: ["childcare", "money"], ready: false });
  expect((await app.db.case.findUniqueOrThrow({ where: { id: created.id } })).status).toBe("preparation");
});

test("Romanian: typed numbers and words work, and a restart in the middle loses nothing", async () => {
  const created = await invitedCase();
  const user = new TelegramUser(app, telegram);
  await onboardAndAccept(user, "ro", created.inviteCode);
  const typed: Script = {
    ...romaClient,
    residence: { say: "1" },
    driving_licence: { say: "da" },
    licence_categories: { say: "1, 2" },
    languages: { say: "2 6" },
    childcare_needed: { say: "nu" },
    urgent_money: { say: "nu" },
    french_level: { say: "3" },
  };
  await answer(app, user, typed, "languages");

  await app.close();
  app = await startTestApp({ telegram });
  const again = new TelegramUser(app, telegram, undefined, user.userId);
  const summary = await answer(app, again, typed);
  expect(summary[1]?.text).toBe(t("assessment.summary_ready", "ro"));
  const assessment = await app.db.assessment.findFirstOrThrow({ where: { caseId: created.id } });
  expect(assessment.answers).toMatchObject({
    residence: "eu_citizen",
    driving_licence: true,
    licence_categories: ["b", "c"],
    languages: ["romanian", "french"],
    french_level: "good",
  });
});

test("Arabic: an applicant types the application date in Arabic-Indic digits and is told when they may work", async () => {
  const created = await invitedCase();
  const user = new TelegramUser(app, telegram);
  await onboardAndAccept(user, "ar", created.inviteCode);
  await user.tap("residence:applicant");
  const told = await user.say("٣/٢/٢٠٢٥");
  const date = app.translator.formatDate(new Date("2025-06-03T12:00:00Z"), "ar", "UTC");
  expect(told[0]?.text).toBe(t("assessment.legal_access_info", "ar", { date }));
  expect(told[0]?.text).toContain("\u2068"); // the date is isolated inside the Arabic sentence

  await answer(app, user, {
    ...romaClient,
    housing: { tap: ["reception_centre"] },
    place: { say: "مركز فيداسيل" },
    languages: { tap: ["arabic", "english", "_done"] },
    childcare_needed: { tap: ["no"] },
    experience: { tap: ["kitchen", "_done"] },
    experience_where: { tap: ["abroad"] },
    interests: { tap: ["kitchen_pastry", "_done"] },
    motivation: { say: "أريد أن أعمل في مطبخ" },
  });
  const assessment = await app.db.assessment.findFirstOrThrow({ where: { caseId: created.id } });
  expect(assessment.answers).toMatchObject({ residence: "applicant", application_date: "2025-02-03" });
  expect(assessment.legalAccessDate?.toISOString().slice(0, 10)).toBe("2025-06-03");
  expect(assessment.readiness).toMatchObject({ legalAccessDate: "2025-06-03", sectors: ["kitchen_pastry"] });
});

test("/assessment starts the questionnaire on demand, with the programme's legal-access setting", async () => {
  const created = await invitedCase();
  await app.db.programme.update({
    where: { id: (await app.db.case.findUniqueOrThrow({ where: { id: created.id } })).programmeId ?? "-" },
    data: { settings: { legalAccessMonths: 6 } },
  });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:en");
  await user.tap("consent:accept");
  await user.tap("done:later");
  const started = await user.say("/assessment");
  expect(started[0]?.text).toBe(t("assessment.intro", "en"));
  await user.tap("residence:applicant");
  const told = await user.say("1/3/2026");
  expect(told[0]?.text).toBe(
    t("assessment.legal_access_info", "en", {
      date: app.translator.formatDate(new Date("2026-09-01T12:00:00Z"), "en", "UTC"),
    }),
  );
});
