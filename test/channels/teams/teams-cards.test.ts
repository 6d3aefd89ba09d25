/**
 * Cards updated in place, through the real Teams channel and the fake Bot Framework: the id of
 * every card we send is stored, a tap names its card (replyToId), and a tick in a multi-choice
 * question updates that card (PUT …/activities/{id}) instead of sending the question again; when
 * the connector no longer knows the card (404), the question comes as a new activity. Any other
 * tap spends its card (updated without buttons, as Telegram removes a tapped keyboard), and a tap
 * on a stale card gets the answer Telegram gives, in the same app with a fake Telegram beside.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../../domain/fixtures.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import {
  cardTap,
  cardWith,
  message,
  post,
  readActivity,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBedWithTelegram,
  type TeamsUser,
  teamsUser,
  updatesOf,
} from "./support.ts";

let bed: TeamsTestBedWithTelegram;
beforeAll(async () => {
  bed = await startTeamsTestBed({ telegram: true });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

async function say(activity: Record<string, unknown>) {
  expect((await post(bed, activity)).statusCode).toBe(200);
}

/** Taps `choiceId` on the newest card that offers it; returns the card's id. */
async function tap(user: TeamsUser, choiceId: string): Promise<string> {
  const card = cardWith(bed, user, choiceId);
  await say(cardTap(bed, user, choiceId, card.id));
  return card.id as string;
}

/** A new case's invite code. */
async function inviteCode(): Promise<string> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, FOYER);
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  return created.inviteCode;
}

/** A Teams client who onboarded in `locale` and is at the transport question (multi-choice). */
async function atTransport(locale: string, teamsLocale: string): Promise<TeamsUser> {
  const code = await inviteCode();
  const user = teamsUser(teamsLocale);
  await say(message(bed, user, `/start ${code}`));
  for (const choice of [
    `language:${locale}`,
    "consent:accept",
    "done:now",
    "residence:eu_citizen",
    "housing:rented",
  ]) {
    await tap(user, choice);
  }
  await say(message(bed, user, "Anderlecht"));
  expect(sentTo(bed, user).at(-1)?.text).toBe(t("assessment.transport_prompt", locale));
  return user;
}

const conversationId = async (user: TeamsUser) =>
  (
    await bed.app.db.conversation.findUniqueOrThrow({
      where: {
        channel_externalConversationId: { channel: "teams", externalConversationId: user.conversationId },
      },
    })
  ).id;

test("every card's activity id is stored, so a tap can name it", async () => {
  const user = await atTransport("en", "en-GB");
  const card = cardWith(bed, user, "transport:bike");
  const row = await bed.app.db.message.findFirstOrThrow({
    where: { conversationId: await conversationId(user), direction: "outbound", channelMessageId: card.id },
  });
  expect(row.text).toBe(t("assessment.transport_prompt", "en"));
});

test("a tick updates the tapped card in place: one PUT, no new activity, ✅ on the tick", async () => {
  const user = await atTransport("en", "en-GB");
  const card = cardWith(bed, user, "transport:bike");
  const [sentBefore, updatesBefore] = [bed.fake.sent.length, bed.fake.updates.length];
  await tap(user, "transport:bike");
  expect(sentTo(bed, user, sentBefore)).toEqual([]);
  const updates = updatesOf(bed, card.id as string, updatesBefore);
  expect(updates).toHaveLength(1);
  expect(updates[0]?.text).toBe(t("assessment.transport_prompt", "en"));
  expect(updates[0]?.labels).toContain(`✅ 🚲 ${t("assessment.transport_bike", "en")}`);
  expect(updates[0]?.labels).toContain(`⬜ 🚶 ${t("assessment.transport_walk", "en")}`);
  expect(updates[0]?.choices).toContain("transport:_done");
  // The reply is stored with the card it updated; its platform id is the card's.
  const stored = await bed.app.db.message.findFirstOrThrow({
    where: { conversationId: await conversationId(user), direction: "outbound" },
    orderBy: { id: "desc" },
  });
  expect(stored.status).toBe("sent");
  expect(stored.channelMessageId).toBe(card.id);
  expect((stored.payload as { replacesMessage?: string }).replacesMessage).toBe(card.id);

  // A second tick on the same card updates it again; Done goes on with a new activity.
  await say(cardTap(bed, user, "transport:walk", card.id));
  expect(updatesOf(bed, card.id as string, updatesBefore)).toHaveLength(2);
  expect(updatesOf(bed, card.id as string, updatesBefore)[1]?.labels).toContain(
    `✅ 🚶 ${t("assessment.transport_walk", "en")}`,
  );
  expect(sentTo(bed, user, sentBefore)).toEqual([]);
  await say(cardTap(bed, user, "transport:_done", card.id));
  expect(sentTo(bed, user, sentBefore).map((m) => m.text)).toEqual([
    t("assessment.driving_licence_prompt", "en"),
  ]);
});

test("Arabic: the updated card stays right to left", async () => {
  const user = await atTransport("ar", "ar-EG");
  const updatesBefore = bed.fake.updates.length;
  const card = await tap(user, "transport:bike");
  const [update] = updatesOf(bed, card, updatesBefore);
  expect(update?.rtl).toBe(true);
  expect(update?.text).toBe(t("assessment.transport_prompt", "ar"));
});

test("a card Teams no longer knows (404) is not updated: the question comes as a new activity", async () => {
  const user = await atTransport("en", "en-GB");
  const card = cardWith(bed, user, "transport:walk");
  bed.fake.forget(card.id as string);
  const [sentBefore, attemptsBefore] = [bed.fake.sent.length, bed.fake.attempts.length];
  await tap(user, "transport:walk");
  const calls = bed.fake.attempts
    .slice(attemptsBefore)
    .filter((a) => a.conversationId === user.conversationId);
  expect(calls.map((c) => [c.method, c.status])).toEqual([
    ["PUT", 404],
    ["POST", 200],
  ]);
  const replies = sentTo(bed, user, sentBefore);
  expect(replies.map((m) => m.text)).toEqual([t("assessment.transport_prompt", "en")]);
  expect(replies[0]?.labels).toContain(`✅ 🚶 ${t("assessment.transport_walk", "en")}`);
  // The new card is the one a later tick updates.
  const fresh = cardWith(bed, user, "transport:walk");
  expect(fresh.id).not.toBe(card.id);
  const updatesBefore = bed.fake.updates.length;
  await tap(user, "transport:bike");
  expect(updatesOf(bed, fresh.id as string, updatesBefore)).toHaveLength(1);
  expect(sentTo(bed, user, sentBefore)).toHaveLength(1);
});

/** The calls the connector got for `user`'s conversation since `from`: method, status, activity id. */
const callsTo = (user: TeamsUser, from: number) =>
  bed.fake.attempts
    .slice(from)
    .filter((a) => a.conversationId === user.conversationId)
    .map((a) => [a.method, a.status, a.method === "PUT" ? a.id : "new"]);

test("a tapped card's buttons are spent: the card again without them, then the next message", async () => {
  const user = await atTransport("en", "en-GB");
  // Every card tapped on the way here was spent: updated once, without buttons, text unchanged.
  const languageCard = cardWith(bed, user, "language:en");
  const asked = readActivity(languageCard.activity);
  expect(asked.choices.length).toBeGreaterThan(0);
  expect(updatesOf(bed, languageCard.id as string)).toEqual([
    { text: asked.text, choices: [], labels: [], card: true, rtl: false },
  ]);
  const card = cardWith(bed, user, "transport:bike");
  await tap(user, "transport:bike");
  const from = bed.fake.attempts.length;
  const sentBefore = bed.fake.sent.length;
  const tapDone = cardTap(bed, user, "transport:_done", card.id);
  await say(tapDone);
  expect(callsTo(user, from)).toEqual([
    ["PUT", 200, card.id],
    ["POST", 200, "new"],
  ]);
  const [spent] = updatesOf(bed, card.id as string).slice(-1);
  expect(spent).toMatchObject({ text: t("assessment.transport_prompt", "en"), choices: [], labels: [] });
  expect(sentTo(bed, user, sentBefore).map((m) => m.text)).toEqual([
    t("assessment.driving_licence_prompt", "en"),
  ]);
  // The spend is stored as an update of the card (its row and platform id), sent once.
  const spentRow = await bed.app.db.message.findFirstOrThrow({
    where: {
      conversationId: await conversationId(user),
      payload: { path: ["replacesMessage"], equals: card.id },
    },
    orderBy: { id: "desc" },
  });
  expect(spentRow).toMatchObject({ status: "sent", channelMessageId: card.id, attempts: 1 });
  expect((spentRow.payload as { choices?: unknown }).choices).toBeUndefined();

  // The same activity again (Teams redelivers): nothing more is sent or updated.
  const again = bed.fake.attempts.length;
  await say(tapDone);
  expect(callsTo(user, again)).toEqual([]);
});

test("a card Teams no longer knows is not spent, and nothing is sent in its place", async () => {
  const code = await inviteCode();
  const user = teamsUser("en-GB");
  await say(message(bed, user, `/start ${code}`));
  const card = cardWith(bed, user, "language:en");
  bed.fake.forget(card.id as string);
  const from = bed.fake.attempts.length;
  await tap(user, "language:en");
  const calls = callsTo(user, from);
  expect(calls[0]).toEqual(["PUT", 404, card.id]);
  expect(calls.slice(1).every(([method]) => method === "POST")).toBe(true);
  expect(
    sentTo(bed, user)
      .slice(-2)
      .map((m) => m.text),
  ).toEqual([t("onboarding.welcome", "en"), t("onboarding.consent_notice", "en")]);
});

/** The same person's start on Telegram and on Teams: invite code, English, consent. */
async function onBoth(): Promise<{ tg: TelegramUser; teams: TeamsUser }> {
  const tg = new TelegramUser(bed.app, bed.telegram);
  const teams = teamsUser("en-GB");
  await tg.say(`/start ${await inviteCode()}`);
  await say(message(bed, teams, `/start ${await inviteCode()}`));
  await tg.tap("language:en");
  await tap(teams, "language:en");
  return { tg, teams };
}

/** What a reply says and offers, the same way for both channels. */
const fromTelegram = (m: { text: string; buttons: { data: string }[] }) => ({
  text: m.text,
  choices: m.buttons.map((b) => b.data).filter(Boolean),
});
const fromTeams = (m: { text: string; choices: string[] }) => ({ text: m.text, choices: m.choices });

test("a stale card while a question waits: the waiting question again, as on Telegram; the card is spent", async () => {
  const { tg, teams } = await onBoth();
  for (const choice of ["consent:accept", "done:now", "residence:eu_citizen"]) {
    await tg.tap(choice);
    await tap(teams, choice);
  }
  // The housing question is answered by typing: its card (its keyboard) keeps its buttons.
  const housing = tg.all().at(-1);
  const housingCard = cardWith(bed, teams, "housing:rented");
  for (const text of ["1", "Anderlecht"]) {
    await tg.say(text);
    await say(message(bed, teams, text));
  }
  const onTelegram = await tg.tapOn(housing as NonNullable<typeof housing>, "housing:rented");
  const from = bed.fake.attempts.length;
  const sentBefore = bed.fake.sent.length;
  await say(cardTap(bed, teams, "housing:rented", housingCard.id));
  const onTeams = sentTo(bed, teams, sentBefore);
  expect(onTelegram.map((m) => m.text).at(-1)).toBe(t("assessment.transport_prompt", "en"));
  expect(onTeams.map(fromTeams)).toEqual(onTelegram.map(fromTelegram));
  // Telegram removed the tapped keyboard; Teams spent the card, before the answer came.
  const removed = bed.telegram
    .callsOf("editMessageReplyMarkup")
    .filter((c) => c.payload.message_id === housing?.messageId && !c.payload.reply_markup);
  expect(removed).toHaveLength(1);
  expect(callsTo(teams, from)[0]).toEqual(["PUT", 200, housingCard.id]);
  expect(updatesOf(bed, housingCard.id as string).at(-1)?.choices).toEqual([]);
});

test("a stale card when nothing waits: the same answer as on Telegram (the menu)", async () => {
  const { tg, teams } = await onBoth();
  // Consent typed, so its card keeps its buttons; then the questionnaire later: nothing waits.
  const consent = tg.all().at(-1);
  const consentCard = cardWith(bed, teams, "consent:decline");
  await tg.say("1");
  await say(message(bed, teams, "1"));
  await tg.tap("done:later");
  await tap(teams, "done:later");
  const onTelegram = await tg.tapOn(consent as NonNullable<typeof consent>, "consent:decline");
  const sentBefore = bed.fake.sent.length;
  await say(cardTap(bed, teams, "consent:decline", consentCard.id));
  expect(onTelegram.map((m) => m.text)).toEqual([t("common.nothing_to_do", "en")]);
  // The same menu, less what Teams cannot do (voice notes: the command table's notOn).
  const menuOnTeams = onTelegram.map(fromTelegram).map((m) => ({
    ...m,
    choices: m.choices.filter((id) => id !== "cmd:voice"),
  }));
  expect(onTelegram.map(fromTelegram)[0]?.choices).toContain("cmd:voice");
  expect(sentTo(bed, teams, sentBefore).map(fromTeams)).toEqual(menuOnTeams);
  expect(updatesOf(bed, consentCard.id as string).at(-1)?.choices).toEqual([]);
});
