/**
 * A client onboards through Teams as on Telegram: installing the bot greets and starts onboarding,
 * choices come as Adaptive Cards whose Action.Submit data carries the `<step>:<choice>` id (RTL for
 * Arabic), a card tap and a typed number both answer, a stale card button does what it does on
 * Telegram, and uninstalling blocks the conversation. Real app, real Postgres, fake Bot Framework.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { posterCode } from "../../domain/fixtures.ts";
import {
  cardTap,
  installed,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
  uninstalled,
} from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed();
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

/** Posts an activity and returns what the bot sent back to that user in the turn. */
async function turn(user: TeamsUser, activity: Record<string, unknown>) {
  const from = bed.fake.sent.length;
  const response = await post(bed, activity);
  expect(response.statusCode).toBe(200);
  return sentTo(bed, user, from);
}

const conversationOf = (user: TeamsUser) =>
  bed.app.db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: { channel: "teams", externalConversationId: user.conversationId },
    },
  });

describe("onboarding through Teams", () => {
  test.each([
    ["ar", "ar-EG"],
    ["rom", "ro-RO"],
  ])(
    "in %s: install greets, /start <code>, language card, consent card, a lead",
    async (locale, teamsLocale) => {
      const user = teamsUser(teamsLocale);
      const [greeting] = await turn(user, installed(bed, user));
      expect(greeting?.choices).toContain(`language:${locale}`);
      // The programme's poster code, typed as the counsellor's leaflet says (Teams has no deep links).
      const [prompt] = await turn(user, message(bed, user, `/start ${await posterCode(bed.app.db)}`));
      expect(prompt?.choices).toContain(`language:${locale}`);

      const afterLanguage = await turn(user, cardTap(bed, user, `language:${locale}`));
      expect(afterLanguage.map((m) => m.text)).toEqual([
        t("onboarding.welcome", locale),
        t("onboarding.consent_notice", locale),
      ]);
      expect(afterLanguage[1]?.choices).toEqual(["consent:accept", "consent:decline"]);
      expect(afterLanguage[1]?.rtl).toBe(locale === "ar");

      const done = await turn(user, cardTap(bed, user, "consent:accept"));
      expect(done.map((m) => m.text)).toEqual([
        t("onboarding.lead", locale),
        t("assessment.offer_prompt", locale),
      ]);

      const conversation = await conversationOf(user);
      expect(conversation.locale).toBe(locale);
      expect(conversation.clientId).not.toBeNull();
      expect(conversation.tenantId).toBe("tenant-1");
      expect(conversation.reference).toMatchObject({
        serviceUrl: bed.fake.serviceUrl,
        conversation: { id: user.conversationId },
      });
    },
  );

  test("a typed number answers a card, and a stale button is not taken twice", async () => {
    const user = teamsUser("en-US");
    await turn(user, message(bed, user, `/start ${await posterCode(bed.app.db)}`));
    await turn(user, cardTap(bed, user, "language:en"));
    const typed = await turn(user, message(bed, user, "1"));
    expect(typed[0]?.text).toBe(t("onboarding.lead", "en"));
    const consents = await bed.app.db.consent.count({
      where: { conversationId: (await conversationOf(user)).id },
    });
    const stale = await turn(user, cardTap(bed, user, "consent:decline"));
    expect(stale.length).toBeGreaterThan(0);
    expect(
      await bed.app.db.consent.count({ where: { conversationId: (await conversationOf(user)).id } }),
    ).toBe(consents);
  });

  test("a typed emoji number (1️⃣) answers a card as a typed 1 does", async () => {
    const user = teamsUser("en-US");
    await turn(user, message(bed, user, `/start ${await posterCode(bed.app.db)}`));
    await turn(user, cardTap(bed, user, "language:en"));
    const typed = await turn(user, message(bed, user, "1️⃣"));
    expect(typed[0]?.text).toBe(t("onboarding.lead", "en"));
    const consents = await bed.app.db.consent.findMany({
      where: { conversationId: (await conversationOf(user)).id },
    });
    expect(consents.length).toBe(1);
  });

  test("a replayed activity is answered once", async () => {
    const user = teamsUser("en-US");
    const activity = message(bed, user, "/start");
    const first = await turn(user, activity);
    const again = await turn(user, activity);
    expect(first.length).toBe(1);
    expect(again).toEqual([]);
  });
});

test("uninstalling the bot blocks the conversation; installing it again greets once more", async () => {
  const user = teamsUser("en-US");
  await turn(user, installed(bed, user));
  expect(await turn(user, uninstalled(bed, user))).toEqual([]);
  expect((await conversationOf(user)).status).toBe("blocked");
  const greeting = await turn(user, installed(bed, user));
  expect(greeting.length).toBe(1);
  expect((await conversationOf(user)).status).toBe("active");
});
