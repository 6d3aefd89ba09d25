/**
 * Help as buttons, through the fake Bot API and the real app: /help, an unknown command and a tap
 * nobody waits for answer with the command table's menu (inline keyboard) in the client's
 * language; each button runs its command as if typed, and typing commands still works.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../../domain/fixtures.ts";
import { callbackUpdate } from "../../support/fake-telegram.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { postUpdate } from "../../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";

const MENU = [
  ["cmd:appointments", "commands.menu_appointments"],
  ["cmd:assessment", "commands.menu_assessment"],
  ["cmd:alerts", "commands.menu_alerts"],
  ["cmd:language", "commands.menu_language"],
  ["cmd:counsellor", "common.ask_counsellor"],
  ["cmd:privacy", "commands.menu_privacy"],
  ["cmd:delete", "commands.menu_delete"],
  ["cmd:voice", "commands.menu_voice"],
] as const;

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);
const menuIn = (locale: string) => MENU.map(([data, key]) => ({ data, text: t(key, locale) }));

/** A client of a counsellor, consented on Telegram in `locale`; returns them and their case id. */
async function client(locale: string): Promise<{ user: TelegramUser; caseId: string }> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    programme: "R@W",
  });
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram, locale);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:later"); // the questionnaire: later
  return { user, caseId: created.id };
}

test("/help answers with the menu as buttons in the client's language, and each runs its command", async () => {
  const { user, caseId } = await client("ro");
  const [help] = await user.say("/help");
  expect(help?.text).toBe(t("commands.help", "ro"));
  expect(help?.buttons).toEqual(menuIn("ro"));

  const privacy = await user.tap("cmd:privacy");
  expect(privacy.map((m) => m.text)).toEqual([t("commands.privacy", "ro")]);

  await user.say("/help");
  expect((await user.tap("cmd:appointments")).map((m) => m.text)).toEqual([
    t("appointments.mine_none", "ro"),
  ]);
  await bed.app.db.appointment.create({
    data: {
      caseId,
      startsAt: new Date(Date.now() + 86_400_000),
      location: "Gare du Midi",
      withWhom: "Lena",
      purpose: "intake",
    },
  });
  await user.say("/help");
  const mine = await user.tap("cmd:appointments");
  expect(mine[0]?.text).toBe(t("appointments.mine_header", "ro"));
  expect(mine[1]?.text).toContain("Gare du Midi");
  // The appointment can be answered from there.
  expect(mine[1]?.buttons.map((b) => b.data)).toEqual([
    expect.stringMatching(/^appt:\w+:coming$/),
    expect.stringMatching(/^appt:\w+:cannot_come$/),
    expect.stringMatching(/^appt:\w+:reschedule$/),
    undefined,
  ]);
  // …and its place opens as a map (a URL button, not a callback).
  expect(mine[1]?.buttons[3]?.url).toMatch(/^https:\/\/www\.openstreetmap\.org\/search\?query=Gare/);

  await user.say("/help");
  const language = await user.tap("cmd:language");
  expect(language[0]?.buttons.map((b) => b.data)).toContain("language:ar");
  await user.tap("language:ar");
  const [arabic] = await user.say("/help");
  // Right to left: the same buttons, each row read from the right (its first button put last).
  const byData = (a: { data: string }, b: { data: string }) => a.data.localeCompare(b.data);
  expect([...(arabic?.buttons ?? [])].sort(byData)).toEqual([...menuIn("ar")].sort(byData));
  expect(arabic?.rows.flatMap((row) => [...row].reverse())).toEqual(menuIn("ar").map((b) => b.text));
});

test("an unknown command and a tap nobody waits for answer with the menu; typing still works", async () => {
  const { user } = await client("bg");
  const [unknown] = await user.say("/frobnicate");
  expect(unknown?.text).toBe(t("common.unknown_command", "bg"));
  expect(unknown?.buttons).toEqual(menuIn("bg"));
  expect((await user.say("/privacy"))[0]?.text).toBe(t("commands.privacy", "bg"));
  // A button id no domain knows, while no flow waits: the menu again.
  const before = user.all().length;
  await postUpdate(bed.app, callbackUpdate({ userId: user.userId, data: "nothing:here", messageId: 99_999 }));
  const [stale] = user.all().slice(before);
  expect(stale?.text).toBe(t("common.nothing_to_do", "bg"));
  expect(stale?.buttons).toEqual(menuIn("bg"));
});

test("“My counsellor” in the menu opens a handover the counsellor sees", async () => {
  const { user } = await client("en");
  await user.say("/help");
  const asked = await user.tap("cmd:counsellor");
  expect(asked[0]?.text).toMatch(/^🙋/);
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
    select: { handovers: { select: { status: true, reason: true } } },
  });
  expect(conversation.handovers).toEqual([{ status: "open", reason: "menu" }]);
});
