/**
 * Proactive messages to Teams go through the outbox and continueConversationAsync with the stored
 * ConversationReference: an appointment notice and its reminder arrive (the reminder as a card
 * whose buttons answer it), a 429 from the connector delays a message without losing or
 * doubling it, and a 403 MessageWritesBlocked blocks the conversation. Real BullMQ timers, real
 * outbox workers, the fake Bot Framework.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AppointmentDeps, createAppointment } from "../../../src/domain/appointments/appointments.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import {
  cardTap,
  cardWith,
  onboardWithCode,
  post,
  readActivity,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
  updatesOf,
} from "./support.ts";

let bed: TeamsTestBed;
let deps: AppointmentDeps;
const ZONE = "Europe/Brussels";

beforeAll(async () => {
  bed = await startTeamsTestBed({ workers: true });
  deps = {
    db: bed.app.db,
    queue: bed.app.nudgeQueue,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    defaultTimeZone: ZONE,
  };
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

async function say(activity: Record<string, unknown>) {
  expect((await post(bed, activity)).statusCode).toBe(200);
}

/** A Teams client onboarded in English with an invite code and linked to a case without quiet hours. */
async function client(): Promise<{ user: TeamsUser; caseId: string }> {
  const { s } = await openProgramme(bed.app.db);
  await createCounsellor(bed.app.db, {
    organisationSlug: `o-${s}`,
    name: "Lena",
    email: `l-${s}@example.org`,
  });
  const created = await createCase(bed.app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: `l-${s}@example.org`,
  });
  const user = teamsUser("en-GB");
  await onboardWithCode(bed, user, created.inviteCode as string);
  return { user, caseId: created.id };
}

const inSeconds = (seconds: number) => new Date(Date.now() + 2 * 3600_000 + seconds * 1000).toISOString();

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const conversationOf = (user: TeamsUser) =>
  bed.app.db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: { channel: "teams", externalConversationId: user.conversationId },
    },
  });

describe("proactive messages through the outbox", () => {
  test("an appointment notice, then its reminder as a card; a tap on the card answers it", async () => {
    const { user, caseId } = await client();
    const from = bed.fake.sent.length;
    const appointment = await createAppointment(deps, {
      caseId,
      at: inSeconds(3),
      location: "Rue de la Loi 1, 1000 Bruxelles",
      withWhom: "Lena",
      purpose: "job_interview",
    });
    const reminder = await waitFor(
      () => sentTo(bed, user, from).find((m) => m.choices.some((id) => id.includes(appointment.id))),
      "the reminder",
    );
    expect(sentTo(bed, user, from)[0]?.text.startsWith("📅")).toBe(true);
    expect(reminder.choices).toHaveLength(3);
    const coming = reminder.choices[0] as string;
    const before = bed.fake.sent.length;
    const card = cardWith(bed, user, coming);
    await say(cardTap(bed, user, coming, card.id));
    expect(sentTo(bed, user, before).at(-1)?.text).toBe(t("appointments.thanks_coming", "en"));
    // The tapped reminder is spent: the same card, its buttons taken away.
    expect(updatesOf(bed, card.id as string)).toEqual([
      { ...readActivity(card.activity), choices: [], labels: [] },
    ]);
    const stored = await bed.app.db.appointment.findUniqueOrThrow({ where: { id: appointment.id } });
    expect(stored.response).toBe("coming");
  });

  test("429s from the connector delay a message: sent once, later", async () => {
    const { user, caseId } = await client();
    const from = bed.fake.sent.length;
    const attemptsBefore = bed.fake.attempts.length;
    // The connector client does not retry (teams-auth.ts): the outbox sees the 429 and pauses.
    bed.fake.failNext({ status: 429, headers: { "retry-after": "1" }, body: {} }, 2);
    await createAppointment(deps, {
      caseId,
      at: inSeconds(3600),
      location: "Gare du Midi",
      withWhom: "Lena",
      purpose: "intake",
    });
    await waitFor(() => sentTo(bed, user, from).find((m) => m.text.startsWith("📅")), "the notice");
    const attempts = bed.fake.attempts
      .slice(attemptsBefore)
      .filter((a) => a.conversationId === user.conversationId);
    // Another conversation's message in flight may meet one of the two; this one met at least one.
    expect(attempts.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(1);
    expect(sentTo(bed, user, from).filter((m) => m.text.startsWith("📅"))).toHaveLength(1);
    // The connector has it; the outbox writes "sent" right after.
    const conversationId = (await conversationOf(user)).id;
    await waitFor(async () => {
      const row = await bed.app.db.message.findFirst({
        where: { conversationId, text: { startsWith: "📅" }, status: "sent" },
      });
      return row ?? undefined;
    }, "the notice recorded sent");
  }, 40_000);

  test.each([
    ["the connector's shape", { error: { code: "MessageWritesBlocked", message: "blocked" } }],
    [
      "Teams' documented shape",
      { errorCode: 209, message: '{"subCode":"MessageWritesBlocked","message":"x"}' },
    ],
    [
      "blocked by the user",
      {
        error: { code: "ConversationBlockedByUser", message: "User blocked the conversation with the bot." },
      },
    ],
  ])("a 403 in %s blocks the conversation, and the message is failed, not retried", async (_shape, body) => {
    const { user, caseId } = await client();
    const attemptsBefore = bed.fake.attempts.length;
    // Only this client's notice meets the 403: another conversation's message in flight passes.
    bed.fake.failNext({ status: 403, body, conversationId: user.conversationId });
    await createAppointment(deps, {
      caseId,
      at: inSeconds(3600),
      location: "Gare du Midi",
      withWhom: "Lena",
      purpose: "intake",
    });
    const conversation = await waitFor(async () => {
      const found = await conversationOf(user);
      return found.status === "blocked" ? found : undefined;
    }, "blocked");
    const row = await bed.app.db.message.findFirstOrThrow({
      where: { conversationId: conversation.id, text: { startsWith: "📅" } },
    });
    expect(row.status).toBe("failed");
    const attempts = bed.fake.attempts
      .slice(attemptsBefore)
      .filter((a) => a.conversationId === user.conversationId);
    expect(attempts).toHaveLength(1);
  });
});
