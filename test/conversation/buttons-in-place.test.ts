/**
 * Buttons that explain themselves, through Telegram (the fake Bot API): the answers first and
 * navigation on its own last row (mirrored in Arabic), "start again" asking first, and a tick in
 * a multi-choice question editing the question's keyboard in place (editMessageReplyMarkup)
 * instead of sending the question again.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { type BotMessage, TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

/** A client who onboarded in `locale` and is at the transport question (multi-choice). */
async function atTransport(locale: string): Promise<{ user: TelegramUser; question: BotMessage }> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, FOYER);
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:now");
  await user.tap("residence:eu_citizen");
  await user.tap("housing:rented");
  const [question] = await user.say("Anderlecht");
  if (!question) throw new Error("no transport question");
  expect(question.text).toBe(t("assessment.transport_prompt", locale));
  return { user, question };
}

test("navigation sits on its own last row, after the answers", async () => {
  const { question } = await atTransport("ro");
  expect(question.rows.at(-1)).toEqual([
    t("common.back", "ro"),
    t("common.restart", "ro"),
    t("common.nav_counsellor", "ro"),
  ]);
  expect(question.rows.slice(0, -1).flat()).not.toContain(t("common.back", "ro"));
  expect(question.rows.at(-2)).toEqual([t("common.done", "ro")]);
});

test("Arabic: every row reads from the right, and back points right (↪️)", async () => {
  const { question } = await atTransport("ar");
  expect(question.rows.at(-1)).toEqual([
    t("common.nav_counsellor", "ar"),
    t("common.restart", "ar"),
    t("common.back", "ar"),
  ]);
  expect(t("common.back", "ar").startsWith("↪️")).toBe(true);
});

test("a tick edits the tapped question's keyboard in place, with ✅; Done goes on", async () => {
  const { user, question } = await atTransport("en");
  const before = bed.telegram.callsOf("editMessageReplyMarkup").length;
  const replies = await user.tapOn(question, "transport:bike");
  expect(replies).toEqual([]); // no new message: the same question, updated
  const edits = bed.telegram
    .callsOf("editMessageReplyMarkup")
    .slice(before)
    .filter((c) => c.payload.message_id === question.messageId && c.payload.reply_markup);
  expect(edits).toHaveLength(1);
  const markup = edits[0]?.payload.reply_markup as { inline_keyboard: { text: string }[][] };
  const labels = markup.inline_keyboard.flat().map((b) => b.text);
  expect(labels).toContain(`✅ 🚲 ${t("assessment.transport_bike", "en")}`);
  expect(labels).toContain(`⬜ 🚶 ${t("assessment.transport_walk", "en")}`);
  // The stored reply names the question it updated.
  const stored = await bed.app.db.message.findFirstOrThrow({
    where: { conversation: { externalConversationId: String(user.userId) }, direction: "outbound" },
    orderBy: { id: "desc" },
  });
  expect(stored.channelMessageId).toBe(String(question.messageId));
  expect((stored.payload as { replaces?: string }).replaces).toMatch(/^\d+$/);

  const next = await user.tapOn(question, "transport:_done");
  expect(next.map((m) => m.text)).toEqual([t("assessment.driving_licence_prompt", "en")]);
});

test("a tick on a message Telegram can no longer edit comes as a new message", async () => {
  const { user, question } = await atTransport("en");
  bed.telegram.failNext(
    "editMessageReplyMarkup",
    { error_code: 400, description: "Bad Request: message to edit not found" },
    2,
  );
  const replies = await user.tapOn(question, "transport:walk");
  expect(replies.map((m) => m.text)).toEqual([t("assessment.transport_prompt", "en")]);
  expect(replies[0]?.buttons.map((b) => b.text)).toContain(`✅ 🚶 ${t("assessment.transport_walk", "en")}`);
});

test("start again asks first; no keeps the answers, yes starts over", async () => {
  const { user } = await atTransport("en");
  const [confirm] = await user.tap("nav:restart");
  expect(confirm?.text).toBe(t("common.restart_confirm", "en"));
  expect(confirm?.buttons.map((b) => b.data)).toEqual(["nav:restart_yes", "nav:restart_no"]);
  const again = await user.tap("nav:restart_no");
  expect(again.map((m) => m.text)).toEqual([t("assessment.transport_prompt", "en")]);
  await user.tap("nav:restart");
  const restarted = await user.tap("nav:restart_yes");
  expect(restarted.map((m) => m.text)).toEqual([
    t("assessment.intro", "en"),
    t("assessment.residence_prompt", "en"),
  ]);
});
