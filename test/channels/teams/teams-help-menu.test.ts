/**
 * Teams has no voice notes (by design): its help menu leaves out "🔊 Voice", which could do
 * nothing there, and so does the app package's command list; the rest of the menu is Telegram's.
 * Real app, real Postgres, fake Bot Framework.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildManifest, teamsCommandList } from "../../../src/channels/teams/app-package.ts";
import { CLIENT_COMMANDS } from "../../../src/domain/commands/client-commands.ts";
import { posterCode } from "../../domain/fixtures.ts";
import {
  cardTap,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed();
});
afterAll(() => bed?.close());

const MENU_WITHOUT_VOICE = [
  "cmd:appointments",
  "cmd:assessment",
  "cmd:alerts",
  "cmd:language",
  "cmd:counsellor",
  "cmd:privacy",
  "cmd:delete",
];

test("/help on Teams shows the menu without the voice button", async () => {
  const user = teamsUser("ro-RO");
  const say = async (activity: Record<string, unknown>) => {
    const from = bed.fake.sent.length;
    expect((await post(bed, activity)).statusCode).toBe(200);
    return sentTo(bed, user, from);
  };
  await say(message(bed, user, `/start ${await posterCode(bed.app.db)}`));
  await say(cardTap(bed, user, "language:ro"));
  await say(cardTap(bed, user, "consent:accept"));
  const [help] = await say(message(bed, user, "/help"));
  expect(help?.text).toBe(bed.app.translator.t("commands.help", "ro"));
  expect(help?.choices).toEqual(MENU_WITHOUT_VOICE);
});

test("the Teams app package lists no /voice command", () => {
  const titles = teamsCommandList(CLIENT_COMMANDS, (key) => bed.app.translator.t(key, "en")).map(
    (c) => c.title,
  );
  expect(titles).toContain("start");
  expect(titles).not.toContain("voice");
  const manifest = buildManifest({
    appId: "6c1f4d2e-8a3b-4c5d-9e0f-123456789abc",
    publicUrl: "https://bot.example.org",
    commands: teamsCommandList(CLIENT_COMMANDS, (key) => bed.app.translator.t(key, "en")),
  });
  expect(manifest.bots[0]?.commandLists[0]?.commands.map((c) => c.title)).not.toContain("voice");
});
