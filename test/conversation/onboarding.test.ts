/**
 * Onboarding end to end: Telegram updates into the real app's webhook, the core on the real
 * Postgres, replies sent to the fake Bot API server. Expected texts come from the locale files.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { FOYER, organisationWithCounsellor, posterCode } from "../domain/fixtures.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
/** A programme's poster code: onboarding with it ends in a lead of that programme. */
let poster: string;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
  poster = await posterCode(bed.app.db);
});
afterAll(() => bed?.close());

const t = (key: string, locale: string, params?: Record<string, string>) =>
  bed.app.translator.t(key, locale, params);

async function conversationOf(user: TelegramUser) {
  return bed.app.db.conversation.findUnique({
    where: {
      channel_externalConversationId: { channel: "telegram", externalConversationId: String(user.userId) },
    },
    include: { client: true, consents: true, messages: { orderBy: { id: "asc" } }, flowRuns: true },
  });
}

/** Taps through onboarding in `locale`; returns every reply after the language choice. */
async function onboard(user: TelegramUser, locale: string, start = `/start ${poster}`) {
  const first = await user.say(start);
  expect(first).toHaveLength(1);
  expect(first[0]?.buttons.map((b) => b.data)).toEqual(CLIENT_LOCALES.map((l) => `language:${l}`));
  const afterLanguage = await user.tap(`language:${locale}`);
  expect(afterLanguage.map((m) => m.text)).toEqual([
    t("onboarding.welcome", locale),
    t("onboarding.consent_notice", locale),
  ]);
  // Right to left, Telegram's row reads from the right: the first answer is put last. 🔊 on a row of its own.
  const consentButtons = [t("onboarding.consent_accept", locale), t("onboarding.consent_decline", locale)];
  expect(afterLanguage[1]?.rows).toEqual([
    bed.app.translator.dir(locale) === "rtl" ? consentButtons.reverse() : consentButtons,
    [t("voice.listen", locale)],
  ]);
  return afterLanguage;
}

describe("onboarding in every language", () => {
  test.each(CLIENT_LOCALES)("%s: language, consent, lead", async (locale) => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, locale);
    const done = await user.tap("consent:accept");
    expect(done.map((m) => m.text)).toEqual([
      t("onboarding.lead", locale),
      t("assessment.offer_prompt", locale),
    ]);

    const conversation = await conversationOf(user);
    expect(conversation?.locale).toBe(locale);
    expect(conversation?.client?.locale).toBe(locale);
    expect(conversation?.consents.map((c) => c.decision)).toEqual(["accepted"]);
    expect(conversation?.flowRuns.map((r) => [r.flowId, r.status, r.stepId])).toEqual([
      ["onboarding", "active", "done"],
    ]);
    const later = await user.tap("done:later");
    expect(later.map((m) => m.text)).toEqual([t("assessment.offer_later_ok", locale)]);
    const runs = await bed.app.db.flowRun.findMany({ where: { conversationId: conversation?.id ?? "-" } });
    expect(runs.map((r) => [r.flowId, r.flowVersion, r.status])).toEqual([["onboarding", 4, "completed"]]);
    const cases = await bed.app.db.case.findMany({ where: { clientId: conversation?.clientId ?? "-" } });
    expect(cases.map((c) => c.status)).toEqual(["lead"]);
  });

  test("the language prompt follows Telegram's language hint; buttons show each language in its own name", async () => {
    const user = new TelegramUser(bed.app, bed.telegram, "ro-RO");
    const [prompt] = await user.say("/start");
    expect(prompt?.text).toBe(t("onboarding.language_prompt", "ro"));
    expect(prompt?.buttons.find((b) => b.data === "language:ar")?.text).toContain("العربية");
    expect(prompt?.buttons.find((b) => b.data === "language:rom")?.text).toContain(
      t("meta.native_name", "rom"),
    );
  });

  test("Arabic replies are marked right-to-left in the stored payload", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "ar");
    const conversation = await conversationOf(user);
    const notice = conversation?.messages.find((m) => m.messageKey === "onboarding.consent_notice");
    expect(notice?.payload).toMatchObject({ locale: "ar", direction: "rtl" });
  });

  test("a typed number and a typed language name count as choices", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await user.say("hello");
    const replies = await user.say("2"); // the second language: Română
    expect(replies[0]?.text).toBe(t("onboarding.welcome", "ro"));
    const accepted = await user.say("1");
    expect(accepted[0]?.text).toBe(t("leads.ask_for_link", "ro"));
  });

  test("an answer that is not a choice gets a hint and the question again", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await user.say("/start");
    const replies = await user.say("banana");
    expect(replies.map((m) => m.text)).toEqual([
      t("common.invalid_choice", "en"),
      t("onboarding.language_prompt", "en"),
    ]);
  });
});

describe("consent", () => {
  test("declining keeps nothing but the decision, and says how to come back", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await user.say("Buna ziua, numele meu este Ion"); // personal words before consent
    await user.tap("language:ro");
    const declined = await user.tap("consent:decline");
    expect(declined.map((m) => m.text)).toEqual([t("onboarding.declined", "ro")]);

    const conversation = await conversationOf(user);
    expect(conversation?.clientId).toBeNull();
    expect(conversation?.client).toBeNull();
    expect(conversation?.messages).toEqual([]);
    expect(conversation?.flowRuns).toEqual([]);
    expect(conversation?.consents.map((c) => [c.decision, c.clientId])).toEqual([["declined", null]]);

    const later = await user.say("hello?");
    expect(later.map((m) => m.text)).toEqual([t("onboarding.declined_reminder", "ro")]);
    const again = await user.say("/start");
    expect(again[0]?.buttons[0]?.data).toBe("language:rom");
  });

  test("nothing the person typed before consenting is stored", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await user.say("My phone is +32 470 12 34 56");
    const conversation = await conversationOf(user);
    const inbound = conversation?.messages.filter((m) => m.direction === "inbound") ?? [];
    expect(inbound).toHaveLength(1);
    expect(inbound[0]?.text).toBeNull();
  });
});

describe("linking and commands", () => {
  async function makeCase() {
    const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
      ...FOYER,
      counsellor: "Mira Stan",
    });
    return createCase(bed.app.db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });
  }

  test("/start <invite code> links the client to the counsellor's case", async () => {
    const created = await makeCase();
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "rom", `/start ${created.inviteCode}`);
    const done = await user.tap("consent:accept");
    expect(done[0]?.text).toBe(t("onboarding.linked", "rom", { counsellor: "Mira Stan" }));
    const linked = await bed.app.db.case.findUnique({ where: { id: created.id } });
    const conversation = await conversationOf(user);
    expect(linked?.clientId).toBe(conversation?.clientId);
    expect(linked?.status).toBe("intake");
    expect(linked?.inviteCode).toBeNull();
  });

  test("no code (or an unknown one) and no default intake: only the consent decision is kept, and the bot asks for the link", async () => {
    expect(await bed.app.db.programme.count({ where: { isDefaultIntake: true } })).toBe(0);
    for (const start of ["/start", "/start NOSUCHCODE"]) {
      const user = new TelegramUser(bed.app, bed.telegram);
      await onboard(user, "en", start);
      const done = await user.tap("consent:accept");
      expect(done.map((m) => m.text)).toEqual([t("leads.ask_for_link", "en")]);
      const conversation = await conversationOf(user);
      expect(conversation?.clientId).toBeNull();
      expect(conversation?.consents.map((c) => [c.decision, c.clientId])).toEqual([["accepted", null]]);
      expect(
        await bed.app.db.case.count({
          where: { client: { conversations: { some: { id: conversation?.id } } } },
        }),
      ).toBe(0);
      await user.say("my name is Ion, 0470 12 34 56");
      const after = await conversationOf(user);
      expect(after?.messages.filter((m) => m.direction === "inbound").every((m) => m.text === null)).toBe(
        true,
      );
      // With the link, they come back in.
      const again = await user.say(`/start ${poster}`);
      expect(again[0]?.buttons[0]?.data).toBe("language:rom");
    }
  });

  test("/delete asks, then erases the client, the conversation and the messages, and keeps an anonymous audit event", async () => {
    const created = await makeCase();
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "bg", `/start ${created.inviteCode}`);
    await user.tap("consent:accept");
    await user.say("Искам работа в почистването"); // stored now: consent was given
    const clientId = (await conversationOf(user))?.clientId as string;
    expect((await conversationOf(user))?.messages.some((m) => m.text === "Искам работа в почистването")).toBe(
      true,
    );

    const confirm = await user.say("/delete");
    expect(confirm[0]?.text).toBe(t("commands.delete_confirm", "bg"));
    const done = await user.tap("confirm:erase");
    expect(done.map((m) => m.text)).toEqual([t("commands.delete_done", "bg")]);

    expect(await conversationOf(user)).toBeNull();
    expect(await bed.app.db.client.findUnique({ where: { id: clientId } })).toBeNull();
    expect(await bed.app.db.message.count({ where: { text: "Искам работа в почистването" } })).toBe(0);
    const anonymised = await bed.app.db.case.findUnique({ where: { id: created.id } });
    expect(anonymised).toMatchObject({ clientId: null, reference: null, status: "closed" });
    const audit = await bed.app.db.auditEvent.findFirst({
      where: { type: "client.erased" },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ cases: [created.id] });
    expect(JSON.stringify({ ...audit, id: String(audit?.id) })).not.toContain(clientId);
  });

  test("/delete can be cancelled", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "fr");
    await user.tap("consent:accept");
    await user.say("/delete");
    const kept = await user.tap("confirm:keep");
    expect(kept[0]?.text).toBe(t("commands.delete_cancelled", "fr"));
    expect((await conversationOf(user))?.client).not.toBeNull();
  });

  test("/stop opts out and /start resumes; /help, /privacy and unknown commands answer in the client's language", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "nl");
    await user.tap("consent:accept");
    expect((await user.say("/stop"))[0]?.text).toBe(t("commands.stop_done", "nl"));
    expect((await conversationOf(user))?.status).toBe("opted_out");
    expect((await user.say("/start"))[0]?.text).toBe(t("commands.resumed", "nl"));
    expect((await conversationOf(user))?.status).toBe("active");
    expect((await user.say("/help"))[0]?.text).toBe(t("commands.help", "nl"));
    expect((await user.say("/privacy"))[0]?.text).toBe(t("commands.privacy", "nl"));
    expect((await user.say("/frobnicate"))[0]?.text).toBe(t("common.unknown_command", "nl"));
  });

  test("/language in the middle of onboarding switches, then asks the waiting question again", async () => {
    const user = new TelegramUser(bed.app, bed.telegram);
    await onboard(user, "en");
    await user.say("/language");
    const switched = await user.tap("language:ar");
    expect(switched.map((m) => m.text)).toEqual([
      t("onboarding.language_changed", "ar"),
      t("onboarding.consent_notice", "ar"),
    ]);
    const done = await user.tap("consent:accept");
    expect(done[0]?.text).toBe(t("onboarding.lead", "ar"));
  });
});
