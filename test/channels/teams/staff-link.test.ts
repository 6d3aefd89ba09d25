/**
 * A staff member links their Teams chat to their console account with a code from the console,
 * typed to the bot in Teams: the good code links the chat (its ConversationReference stored, the
 * answer in the staff member's console language); a wrong, expired or reused code does not; five
 * wrong codes lock the chat for an hour. A linked chat never becomes a client's: no onboarding,
 * no consent, no case. Through the real Teams channel (JWT checked) and the fake Bot Framework.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createStaffTeamsCode } from "../../../src/domain/staff/teams-link.ts";
import { uid } from "../../support/db.ts";
import { staffMember } from "../../support/staff.ts";
import { consoleUrl, linkedStaff, sayAndWait, waitFor } from "./staff-support.ts";
import {
  installed,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBed;
let organisationSlug: string;

beforeAll(async () => {
  bed = await startTeamsTestBed({ workers: true });
  organisationSlug = `o-${uid()}`;
  await createOrganisation(bed.app.db, { slug: organisationSlug, name: "Foyer" });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) =>
  bed.app.translator.t(key, locale, { url: `${consoleUrl(bed)}/me` });

const chatOf = (externalConversationId: string) =>
  bed.app.db.conversation.findUniqueOrThrow({
    where: { channel_externalConversationId: { channel: "teams", externalConversationId } },
    include: { flowRuns: true, consents: true, messages: { where: { direction: "inbound" } } },
  });

test("the good code links the chat, in the staff member's language; it never becomes a client's", async () => {
  const { staff, user } = await linkedStaff(bed, organisationSlug, { locale: "nl" });
  const chat = await chatOf(user.conversationId);
  expect(chat.staffId).toBe(staff.id);
  expect(chat.clientId).toBeNull();
  expect(chat.locale).toBe("nl");
  expect(chat.reference).toMatchObject({
    conversation: { id: user.conversationId },
    serviceUrl: bed.fake.serviceUrl,
  });
  // The onboarding the install had begun is gone; nothing a client's chat has.
  expect(chat.flowRuns).toEqual([]);
  expect(chat.consents).toEqual([]);
  const code = await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: staff.id } });
  expect(code.teamsCodeHash).toBeNull();

  // Whatever is typed now (a consent answer, /start, a language) gets the staff answer, not a flow.
  expect(await sayAndWait(bed, user, "hello")).toBe(t("staff-teams.staff_chat", "nl"));
  expect(await sayAndWait(bed, user, "/start")).toBe(t("staff-teams.welcome_back", "nl"));
  const after = await chatOf(user.conversationId);
  expect(after.clientId).toBeNull();
  expect(after.flowRuns).toEqual([]);
  expect(after.consents).toEqual([]);
  expect(after.messages).toEqual([]);
  expect(await bed.app.db.case.count({ where: { counsellorId: staff.id } })).toBe(0);
}, 60_000);

test("a wrong, an expired and a reused code link nothing", async () => {
  const staff = await staffMember(bed.app.db, organisationSlug, "counsellor", { locale: "fr" });
  const stranger = teamsUser("en-US", "Sam");
  expect((await post(bed, installed(bed, stranger))).statusCode).toBe(200);
  expect(sentTo(bed, stranger).length).toBeGreaterThan(0); // greeted like anyone, before a code

  expect(await sayAndWait(bed, stranger, "/link ST-2222-2222")).toBe(t("staff-teams.code_invalid", "en"));
  // The same activity again (Teams retries a delivery): no second answer, no second wrong try.
  const wrong = message(bed, stranger, "ST-3333-3333");
  const from = bed.fake.sent.length;
  for (const _ of [1, 2]) expect((await post(bed, wrong)).statusCode).toBe(200);
  await waitFor(() => sentTo(bed, stranger, from).length > 0 || undefined, "the answer");
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(sentTo(bed, stranger, from)).toHaveLength(1);
  const strangerChat = await chatOf(stranger.conversationId);
  expect(
    (await bed.app.db.channelLinkFailures.findUniqueOrThrow({ where: { conversationId: strangerChat.id } }))
      .count,
  ).toBe(2);

  const expired = await createStaffTeamsCode(bed.app.db, staff.id, new Date(Date.now() - 16 * 60_000));
  expect(await sayAndWait(bed, stranger, expired)).toBe(t("staff-teams.code_invalid", "en"));

  const code = await createStaffTeamsCode(bed.app.db, staff.id, new Date());
  // Typed bare, lower case, with spaces: the same code.
  expect(await sayAndWait(bed, stranger, code.toLowerCase().replaceAll("-", " "))).toBe(
    t("staff-teams.linked", "fr"),
  );
  const other = teamsUser("en-US", "Kim");
  expect(await sayAndWait(bed, other, `/link ${code}`)).toBe(t("staff-teams.code_invalid", "en"));
  expect((await chatOf(other.conversationId)).staffId).toBeNull();
  expect((await chatOf(stranger.conversationId)).staffId).toBe(staff.id);
}, 60_000);

test("five wrong codes lock the chat for an hour, the good one included", async () => {
  const staff = await staffMember(bed.app.db, organisationSlug, "counsellor", { locale: "en" });
  const guesser = teamsUser("en-US", "Max");
  for (let i = 0; i < 5; i++) await sayAndWait(bed, guesser, `ST-2222-222${i + 2}`);
  const code = await createStaffTeamsCode(bed.app.db, staff.id, new Date());
  expect(await sayAndWait(bed, guesser, `/link ${code}`)).toBe(t("staff-teams.too_many_tries", "en"));
  expect((await chatOf(guesser.conversationId)).staffId).toBeNull();
}, 60_000);
