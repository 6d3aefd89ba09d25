/**
 * Every way a client asks for a person lands as an open handover that the organisation's inbox
 * shows, with a task for the case's counsellor — never as a promise nobody receives: the
 * "🙋 ask my counsellor" button at a question, the same button after answers that did not fit,
 * the words "counsellor" / "help me" in each of the seven client languages, and text that no
 * question was waiting for. The client is told honestly when someone will answer (the
 * programme's office hours), and while a person answers the bot does not interrupt.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { applyEffects } from "../../../src/conversation/effects.ts";
import { createTurnRegistry } from "../../../src/conversation/turn-registry.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { handoverReasonsOf } from "../../../src/domain/handovers/handover-turns.ts";
import { openHandover } from "../../../src/domain/handovers/handovers.ts";
import { inOfficeHours, officeHoursParams } from "../../../src/domain/handovers/office-hours.ts";
import { domainTurns } from "../../../src/domain/turn-handlers.ts";
import { CLIENT_LOCALES } from "../../../src/i18n/translator.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";
import { consentedClient, FOYER, inRolledBackTransaction, organisationWithCounsellor } from "../fixtures.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

/** Office hours every day from 07:00 to 19:00 Brussels time (so both answers occur in a day's runs). */
const OFFICE = { days: [1, 2, 3, 4, 5, 6, 7], open: "07:00", close: "19:00" };

async function invitedCase() {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    programme: "R@W",
  });
  await bed.app.db.programme.update({
    where: { id: programme.id },
    data: { settings: { officeHours: OFFICE } },
  });
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  return { organisation, counsellor, created };
}

/** A client of that case, onboarded and consented in `locale`, at the "start the questions now?" step. */
async function onboarded(locale: string) {
  const setting = await invitedCase();
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${setting.created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  return { ...setting, user };
}

async function conversationOf(user: TelegramUser) {
  return bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
  });
}

/** What the client must be told right now: the office hours, and when someone answers. */
function whatHappensNext(locale: string): string {
  const params = officeHoursParams(OFFICE, locale, bed.app.translator);
  const now = new Date();
  if (inOfficeHours(OFFICE, "Europe/Brussels", now))
    return bed.app.translator.t("handover.counsellor_open", locale, params);
  return expect.stringContaining(
    bed.app.translator.t("handover.counsellor_closed", locale, params).slice(0, 20),
  );
}

async function expectOpenHandover(
  user: TelegramUser,
  reason: string,
  setting: { counsellor: { id: string } },
) {
  const conversation = await conversationOf(user);
  const handovers = await bed.app.db.handover.findMany({ where: { conversationId: conversation.id } });
  expect(handovers).toHaveLength(1);
  expect(handovers[0]).toMatchObject({ status: "open", reason });
  const task = await bed.app.db.counsellorTask.findFirstOrThrow({
    where: { kind: "handover", data: { path: ["handoverId"], equals: handovers[0]?.id } },
  });
  expect(task).toMatchObject({ status: "open", assigneeStaffId: setting.counsellor.id });
  return handovers[0];
}

describe("every way of asking for a person opens a handover", () => {
  test("🙋 at a question of the self-assessment (Romani): told when, no prompt after, the question waits", async () => {
    const setting = await onboarded("rom");
    await setting.user.tap("done:now");
    const replies = await setting.user.tap("nav:counsellor");
    expect(replies.map((m) => m.text)).toEqual([whatHappensNext("rom")]);
    expect(replies[0]?.text).toContain(bed.app.translator.weekdayName(1, "rom")); // "Luja–Kurko"
    const handover = await expectOpenHandover(setting.user, "asked:self_assessment:residence", setting);
    expect(handover?.organisationId).toBe(setting.organisation.id);

    // While a person answers, what the client writes is for them: the bot stays silent.
    const before = await bed.app.db.message.count({ where: { conversationId: handover?.conversationId } });
    expect(await setting.user.say("Kana šaj avav ando biro?")).toEqual([]);
    expect(await bed.app.db.message.count({ where: { conversationId: handover?.conversationId } })).toBe(
      before + 1,
    );
    const run = await bed.app.db.flowRun.findFirstOrThrow({
      where: { conversationId: handover?.conversationId, flowId: "self_assessment" },
    });
    expect(run).toMatchObject({ status: "active", stepId: "residence" });
  });

  test("🙋 after three answers that did not fit (Bulgarian)", async () => {
    const setting = await onboarded("bg");
    await setting.user.tap("done:now");
    await setting.user.say("квартира");
    await setting.user.say("брат");
    const stuck = await setting.user.say("сестра");
    expect(stuck[0]?.buttons.map((b) => b.data)).toContain("rec:counsellor");
    const replies = await setting.user.tap("rec:counsellor");
    expect(replies.map((m) => m.text)).toEqual([whatHappensNext("bg")]);
    await expectOpenHandover(setting.user, "stuck:self_assessment:residence", setting);
  });

  const words: Record<string, string> = {
    en: "Help me please",
    nl: "Mijn begeleider",
    fr: "Aidez-moi !",
    ro: "Consilierul meu",
    rom: "Ažutisar man",
    ar: "ساعدني",
    bg: "Консултант",
  };
  test.each(CLIENT_LOCALES.map((locale) => [locale, words[locale] as string]))(
    "the words in %s (%s), even while a question waits",
    async (locale, said) => {
      const setting = await onboarded(locale);
      const replies = await setting.user.say(said);
      expect(replies.map((m) => m.text)).toEqual([whatHappensNext(locale)]);
      await expectOpenHandover(setting.user, "words", setting);
    },
  );

  test('text no question was waiting for goes to a person, not "type /help" (French)', async () => {
    const setting = await onboarded("fr");
    await setting.user.tap("done:later");
    const replies = await setting.user.say("Oui je viens jeudi! Est-ce que je peux venir avec mon fils?");
    expect(replies.map((m) => m.text)).toEqual([whatHappensNext("fr")]);
    expect(replies[0]?.text).not.toContain("/help");
    const handover = await expectOpenHandover(setting.user, "free_text", setting);
    const stored = await bed.app.db.message.findFirstOrThrow({
      where: { conversationId: handover?.conversationId, direction: "inbound", text: { contains: "jeudi" } },
    });
    expect(stored.text).toBe("Oui je viens jeudi! Est-ce que je peux venir avec mon fils?");
  });

  test("a flow's own notify_counsellor action asks the turn for a handover", async () => {
    const client = await consentedClient(bed.app.db);
    const conversation = await bed.app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
    const target = {
      conversationId: conversation.id,
      channel: "telegram" as const,
      clientId: client.id,
      locale: "ro",
      displayName: undefined,
      vars: {},
    };
    const registry = createTurnRegistry([
      ...domainTurns({ db: bed.app.db, queue: bed.app.nudgeQueue, timeZone: "Europe/Brussels" }),
    ]);
    await inRolledBackTransaction(bed.app.db, (tx) =>
      applyEffects(
        tx,
        target,
        [{ type: "notify_counsellor", reason: "legal_access_question" }],
        registry.effects,
      ),
    );
    expect(handoverReasonsOf(target)).toEqual(["legal_access_question"]);
  });

  test("a client no organisation knows is told so, and no handover nobody sees is opened", async () => {
    const client = await consentedClient(bed.app.db, { locale: "ar" });
    const conversation = await bed.app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
    const opened = await bed.app.db.$transaction((tx) =>
      openHandover(tx, {
        conversationId: conversation.id,
        clientId: client.id,
        reason: "words",
        now: new Date(),
        locale: "ar",
        translator: bed.app.translator,
        defaultTimeZone: "Europe/Brussels",
      }),
    );
    expect(opened).toEqual({ handoverId: null, outputs: [{ key: "handover.no_one" }], nudgeJobIds: [] });
    expect(await bed.app.db.handover.count({ where: { conversationId: conversation.id } })).toBe(0);
  });
});
