/**
 * One person, two channels: a client on Telegram sends /link, types the code in Teams (and the
 * reverse: the code made on Teams, typed on Telegram), and both
 * conversations are one client and one case — the consent and the language carry over,
 * proactive messages go to the channel used last, and /delete erases both. Telegram through the
 * fake Bot API, Teams through the fake Bot Framework, the real app between them.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppointmentDeps, createAppointment } from "../../../src/domain/appointments/appointments.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import {
  cardTap,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBedWithTelegram,
  type TeamsUser,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBedWithTelegram;
let deps: AppointmentDeps;

beforeAll(async () => {
  bed = await startTeamsTestBed({ telegram: true, workers: true });
  deps = {
    db: bed.app.db,
    queue: bed.app.nudgeQueue,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    defaultTimeZone: "Europe/Brussels",
  };
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

async function onTeams(user: TeamsUser, text: string) {
  const from = bed.fake.sent.length;
  expect((await post(bed, message(bed, user, text))).statusCode).toBe(200);
  return sentTo(bed, user, from).map((m) => m.text);
}

async function telegramClient() {
  const created = await newCase();
  const user = new TelegramUser(bed.app, bed.telegram, "ro");
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  await user.tap("done:later");
  return { user, caseId: created.id };
}

/** A client who came in through Teams (invite code typed), in Arabic, consented. */
async function teamsClient() {
  const created = await newCase();
  const user = teamsUser("en-US");
  await onTeams(user, `/start ${created.inviteCode}`);
  for (const choice of ["language:ar", "consent:accept", "done:later"])
    expect((await post(bed, cardTap(bed, user, choice))).statusCode).toBe(200);
  return { user, caseId: created.id };
}

async function newCase() {
  const { s } = await openProgramme(bed.app.db);
  await createCounsellor(bed.app.db, {
    organisationSlug: `o-${s}`,
    name: "Lena",
    email: `l-${s}@example.org`,
  });
  return createCase(bed.app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: `l-${s}@example.org`,
  });
}

const conversations = (channel: "teams" | "telegram", externalConversationId: string) =>
  bed.app.db.conversation.findUnique({
    where: { channel_externalConversationId: { channel, externalConversationId } },
    include: { consents: true },
  });

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("/link on Telegram, the code typed in Teams: one client, one case, both channels", async () => {
  const { user: onTelegram, caseId } = await telegramClient();
  const teams = teamsUser("en-US");
  expect(await onTeams(teams, "/link 0000 0000")).toEqual([t("link.invalid", "en")]);

  const [codeMessage] = await onTelegram.say("/link");
  const code = /\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0];
  expect(code).toBeDefined();
  expect(await onTeams(teams, `/link ${code}`)).toEqual([t("link.linked", "ro")]);
  // Used once: the same code again is no code; a new one for the same client says so.
  expect(await onTeams(teams, `/link ${code}`)).toEqual([t("link.invalid", "ro")]);
  const [again] = await onTelegram.say("/link");
  const second = /\d{4} \d{4}/.exec(again?.text ?? "")?.[0];
  expect(await onTeams(teams, `/link ${second}`)).toEqual([t("link.already_linked", "ro")]);

  const telegramSide = await conversations("telegram", String(onTelegram.userId));
  const teamsSide = await conversations("teams", teams.conversationId);
  expect(teamsSide?.clientId).toBe(telegramSide?.clientId);
  expect(teamsSide?.locale).toBe("ro");
  expect(teamsSide?.consents.map((c) => c.decision)).toEqual(["accepted"]);
  const found = await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } });
  expect(found.clientId).toBe(telegramSide?.clientId);

  // Teams was used last: the appointment notice goes there, in Romanian.
  const teamsFrom = bed.fake.sent.length;
  await createAppointment(deps, {
    caseId,
    at: new Date(Date.now() + 86_400_000).toISOString(),
    location: "Gare du Midi",
    withWhom: "Lena",
    purpose: "intake",
  });
  await waitFor(() => sentTo(bed, teams, teamsFrom).find((m) => m.text.startsWith("📅")), "notice on Teams");
  // Telegram used again: the next one goes to Telegram.
  await onTelegram.say("/help");
  const before = onTelegram.all().length;
  await createAppointment(deps, {
    caseId,
    at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    location: "Gare du Nord",
    withWhom: "Lena",
    purpose: "intake",
  });
  await waitFor(
    () =>
      onTelegram
        .all()
        .slice(before)
        .find((m) => m.text.startsWith("📅")),
    "notice on Telegram",
  );
  expect(sentTo(bed, teams, teamsFrom).filter((m) => m.text.startsWith("📅"))).toHaveLength(1);

  // /delete in Teams erases the client and both conversations.
  await onTeams(teams, "/delete");
  expect((await post(bed, cardTap(bed, teams, "confirm:erase"))).statusCode).toBe(200);
  expect(await conversations("teams", teams.conversationId)).toBeNull();
  expect(await conversations("telegram", String(onTelegram.userId))).toBeNull();
  expect((await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } })).clientId).toBeNull();
}, 60_000);

test("a code works once, not in its own chat, and five wrong codes lock the chat for an hour", async () => {
  const { user: onTelegram } = await telegramClient();
  const [codeMessage] = await onTelegram.say("/link");
  const code = /\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0] ?? "";
  expect((await onTelegram.say(`/link ${code}`)).map((m) => m.text)).toEqual([
    t("link.same_conversation", "ro"),
  ]);
  const stranger = teamsUser("en-US");
  for (let i = 0; i < 5; i++) await onTeams(stranger, `/link 1111 111${i}`);
  expect(await onTeams(stranger, `/link ${code}`)).toEqual([t("link.too_many_tries", "en")]);
  const notConsented = teamsUser("en-US");
  expect(await onTeams(notConsented, "/link")).toEqual([t("link.need_consent", "en")]);
});

test("/link on Teams, the code typed on Telegram: one client, one case, consent and language carried over", async () => {
  const { user: teams, caseId } = await teamsClient();
  const teamsSide = await conversations("teams", teams.conversationId);
  expect(teamsSide?.locale).toBe("ar");
  expect(teamsSide?.consents.map((c) => c.decision)).toEqual(["accepted"]);

  const [codeText] = await onTeams(teams, "/link");
  const code = /\d{4} \d{4}/.exec(codeText ?? "")?.[0];
  expect(code).toBeDefined();
  const onTelegram = new TelegramUser(bed.app, bed.telegram, "fr");
  expect((await onTelegram.say(`/link ${code}`)).map((m) => m.text)).toEqual([t("link.linked", "ar")]);

  const telegramSide = await conversations("telegram", String(onTelegram.userId));
  expect(telegramSide?.clientId).toBe(teamsSide?.clientId);
  expect(telegramSide?.locale).toBe("ar");
  expect(telegramSide?.consents.map((c) => [c.decision, c.channel])).toEqual([["accepted", "telegram"]]);
  const found = await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } });
  expect(found.clientId).toBe(teamsSide?.clientId);
  expect(await bed.app.db.case.count({ where: { clientId: teamsSide?.clientId ?? "" } })).toBe(1);
  expect(await bed.app.db.client.count({ where: { id: teamsSide?.clientId ?? "" } })).toBe(1);
  // The Telegram chat talks Arabic from now on, with no onboarding of its own.
  const [own] = await onTelegram.say("/link");
  expect(own?.text).toMatch(/\d{4} \d{4}/);
  expect(own?.text).toMatch(/[\u0600-\u06FF]/);
}, 60_000);
