/**
 * The console shows both channels of a client linked across Telegram and Teams: the conversation
 * view's transcript holds the messages of both, each with its channel, and "Channel used last" on
 * the case page, the conversation view and the inbox names the channel of the client's latest
 * message after each one. Server-rendered HTML through app.http.inject with a staff session; the
 * client talks through the fake Bot API and the fake Bot Framework, the real app between them.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import {
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBedWithTelegram,
  teamsUser,
} from "../channels/teams/support.ts";
import { openProgramme } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";

let bed: TeamsTestBedWithTelegram;
beforeAll(async () => {
  bed = await startTeamsTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

async function page(url: string, staffId: string) {
  const token = await openSession(bed.app.db, staffId);
  const session = await findSession(bed.app.db, token);
  const response = await bed.app.http.inject({
    url,
    headers: { cookie: `ceb_session=${token}`, "x-csrf-token": session?.csrfToken ?? "" },
  });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** Every "Channel used last" value on a page. */
const lastChannels = (body: string) =>
  [...body.matchAll(/<dt>Channel used last<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => m[1]);

test("a linked client: both channels in the transcript, and the channel used last after each message", async () => {
  const { s } = await openProgramme(bed.app.db);
  const staff = await staffMember(bed.app.db, `o-${s}`, "counsellor", { locale: "en" });
  const created = await createCase(bed.app.db, { programmeSlug: `p-${s}`, counsellorEmail: staff.email });
  const caseId = created.id;

  const onTelegram = new TelegramUser(bed.app, bed.telegram, "ro");
  await onTelegram.say(`/start ${created.inviteCode}`);
  await onTelegram.tap("language:ro");
  await onTelegram.tap("consent:accept");
  await onTelegram.tap("done:later");
  const [codeMessage] = await onTelegram.say("/link");
  const code = /\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0];
  const teams = teamsUser("en-US");
  const from = bed.fake.sent.length;
  expect((await post(bed, message(bed, teams, `/link ${code}`))).statusCode).toBe(200);
  expect(sentTo(bed, teams, from).map((m) => m.text)).toEqual([bed.app.translator.t("link.linked", "ro")]);

  const casePage = () => page(`/console/cases/${caseId}`, staff.id);
  const conversationPage = () => page(`/console/cases/${caseId}/conversation`, staff.id);
  const inbox = () => page("/console/inbox", staff.id);
  /** The case page, the conversation view and the case's inbox card (one for the client, from
   * whichever conversation she asked in: decision 0020) say the same channel: the one used last. */
  const usedLast = async (channel: string) => {
    const shown = [
      ...lastChannels(await casePage()),
      ...lastChannels(await conversationPage()),
      ...lastChannels(await inbox()),
    ];
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown).toEqual(shown.map(() => channel));
  };
  expect(lastChannels(await casePage())).toEqual(["Teams"]);

  await onTelegram.say("Salut de pe Telegram");
  await usedLast("Telegram");

  expect((await post(bed, message(bed, teams, "Salut din Teams"))).statusCode).toBe(200);
  await usedLast("Teams");

  await onTelegram.say("Inca o data pe Telegram");
  await usedLast("Telegram");

  // The transcript: the client's words from both apps, each marked with its channel.
  const transcript = await conversationPage();
  const entries = [
    ...transcript.matchAll(
      /<li class="msg inbound client">\s*<p class="text"[^>]*>([^<]*)<\/p>\s*<p class="meta">[^<]*· (Telegram|Teams)<\/p>/g,
    ),
  ].map((m) => [m[1], m[2]]);
  expect(entries.slice(-3)).toEqual([
    ["Salut de pe Telegram", "Telegram"],
    ["Salut din Teams", "Teams"],
    ["Inca o data pe Telegram", "Telegram"],
  ]);
  // The /link code typed on Teams is in the transcript too, as a message whose text is not kept.
  expect(entries).toContainEqual(["(not kept)", "Teams"]);
}, 60_000);
