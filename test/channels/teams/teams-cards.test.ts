/**
 * Cards updated in place, through the real Teams channel and the fake Bot Framework: the id of
 * every card we send is stored, a tap names its card (replyToId), and a tick in a multi-choice
 * question updates that card (PUT …/activities/{id}) instead of sending the question again; when
 * the connector no longer knows the card (404), the question comes as a new activity.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import { uid } from "../../support/db.ts";
import {
  cardTap,
  cardWith,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
  updatesOf,
} from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed();
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

/** A Teams client who onboarded in `locale` and is at the transport question (multi-choice). */
async function atTransport(locale: string, teamsLocale: string): Promise<TeamsUser> {
  const s = uid();
  await createOrganisation(bed.app.db, { slug: `o-${s}`, name: "Foyer" });
  await createProgramme(bed.app.db, { organisationSlug: `o-${s}`, slug: `p-${s}`, name: "Roma@Work" });
  await createCounsellor(bed.app.db, {
    organisationSlug: `o-${s}`,
    name: "Lena",
    email: `l-${s}@example.org`,
  });
  const created = await createCase(bed.app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: `l-${s}@example.org`,
  });
  const user = teamsUser(teamsLocale);
  await say(message(bed, user, `/start ${created.inviteCode}`));
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
