/**
 * The navigation row in Arabic, as Telegram receives it: through the real app, the outbox and the
 * fake Bot API, the questionnaire's reply_markup has the answers first and "↪️ Back · 🔄 Start again
 * · 🙋 My counsellor" on its own last row — every row mirrored, so that Back (its arrow pointing
 * right) is the rightmost button, where a right-to-left reader goes back. Romanian, the same
 * question: the same rows left to right.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { organisationWithCounsellor } from "../../domain/fixtures.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

type Button = { text: string; callback_data?: string; url?: string };

/** The inline keyboard of the latest message the bot sent to `user`, as recorded by the fake server. */
function lastKeyboard(user: TelegramUser): Button[][] {
  const payload = bed.telegram
    .sent()
    .filter((p) => String(p.chat_id) === String(user.userId))
    .at(-1);
  return (payload?.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? [];
}

/** A consented client in `locale` who started the questionnaire and answered its first question. */
async function atSecondQuestion(locale: string): Promise<TelegramUser> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db);
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram, locale);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:now");
  await user.tap("residence:eu_citizen");
  return user;
}

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

test("Arabic: the navigation row arrives mirrored, Back at the right pointing right", async () => {
  const user = await atSecondQuestion("ar");
  const rows = lastKeyboard(user);
  const navigation = rows.at(-1) ?? [];
  // Its own last row, read from the right: Back, Start again, My counsellor.
  expect(navigation.map((b) => b.callback_data)).toEqual(["nav:counsellor", "nav:restart", "nav:back"]);
  expect(navigation.map((b) => b.text)).toEqual([
    t("common.nav_counsellor", "ar"),
    t("common.restart", "ar"),
    t("common.back", "ar"),
  ]);
  expect(navigation.at(-1)?.text).toMatch(/^↪️ /);
  // The answers come first, none of them navigation, each row mirrored too.
  const answers = rows.slice(0, -1).flat();
  expect(answers.length).toBeGreaterThan(1);
  expect(answers.every((b) => !b.callback_data?.startsWith("nav:"))).toBe(true);
  // Mirrored against Romanian's rows of the same question: each row's buttons in reverse order.
  const romanian = lastKeyboard(await atSecondQuestion("ro"));
  const ids = (keyboard: Button[][]) => keyboard.map((row) => row.map((b) => b.callback_data));
  expect(ids(rows)).toEqual(ids(romanian).map((row) => [...row].reverse()));
});

test("Romanian, the same question: the rows left to right, Back first pointing left", async () => {
  const user = await atSecondQuestion("ro");
  const navigation = lastKeyboard(user).at(-1) ?? [];
  expect(navigation.map((b) => b.callback_data)).toEqual(["nav:back", "nav:restart", "nav:counsellor"]);
  expect(navigation[0]?.text).toBe(t("common.back", "ro"));
  expect(navigation[0]?.text).toMatch(/^↩️ /);
});
