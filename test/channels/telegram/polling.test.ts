import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTelegramChannel,
  type TelegramChannel,
} from "../../../src/channels/telegram/telegram-channel.ts";
import type { Translator } from "../../../src/i18n/translator.ts";
import {
  callbackUpdate,
  type FakeTelegram,
  privateTextUpdate,
  startFakeTelegram,
} from "../../support/fake-telegram.ts";
import { type RecordingInbound, recordingInbound, silentLogger } from "./support.ts";

/** Enough of a Translator for the command menu: "<locale>:<key>". */
const translator: Translator = {
  t: (key, locale) => `${locale}:${key}`,
  has: (key) => key.startsWith("commands.") && key.endsWith("_description"),
  dir: () => "ltr",
  formatDateTime: (date) => date.toISOString(),
  formatDate: (date) => date.toISOString().slice(0, 10),
  formatTime: (clock) => clock,
  weekdayName: (day) => String(day),
  matchLocale: () => undefined,
  formatList: (items) => items.join(", "),
};

let fake: FakeTelegram;
let inbound: RecordingInbound;
let channel: TelegramChannel;

beforeEach(async () => {
  fake = await startFakeTelegram();
  inbound = recordingInbound();
  channel = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    mode: "polling",
    onInbound: inbound.handler,
    logger: silentLogger,
    translator,
  });
});
afterEach(async () => {
  await channel.stop();
  await fake.close();
});

const waitForReceived = async (count: number) => {
  const deadline = Date.now() + 10_000;
  while (inbound.received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} inbound messages`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("Telegram polling", () => {
  it("deletes the webhook, receives pushed updates through getUpdates, and stops cleanly", async () => {
    await channel.start();
    expect(fake.callsOf("deleteWebhook")).toHaveLength(1);
    fake.pushUpdate(privateTextUpdate({ userId: 31, text: "salut", messageId: 1, languageCode: "ro" }));
    await waitForReceived(1);
    expect(inbound.received[0]).toMatchObject({ externalUserId: "31", text: "salut", localeHint: "ro" });

    await channel.stop();
    await new Promise((r) => setTimeout(r, 100)); // a poll already on the wire may still arrive
    const polls = fake.callsOf("getUpdates").length;
    fake.pushUpdate(privateTextUpdate({ userId: 31, text: "after stop", messageId: 2 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsOf("getUpdates")).toHaveLength(polls);
    expect(inbound.received).toHaveLength(1);
  });

  it("confirms updates with the next offset, so none is handled twice", async () => {
    await channel.start();
    const first = fake.pushUpdate(privateTextUpdate({ userId: 32, text: "one", messageId: 1 }));
    await waitForReceived(1);
    await fake.waitFor((calls) =>
      calls.some((c) => c.method === "getUpdates" && Number(c.payload.offset) === first.update_id + 1),
    );
    fake.pushUpdate(privateTextUpdate({ userId: 32, text: "two", messageId: 2 }));
    await waitForReceived(2);
    expect(inbound.received.map((m) => m.text)).toEqual(["one", "two"]);
  });

  it("answers a tap with a request of its own (no webhook to ride on)", async () => {
    await channel.start();
    fake.pushUpdate(callbackUpdate({ userId: 33, data: "lang.ro", messageId: 4, callbackId: "cq-p" }));
    await waitForReceived(1);
    await fake.waitFor((calls) => calls.some((c) => c.method === "answerCallbackQuery"));
    expect(fake.callsOf("answerCallbackQuery").map((c) => c.payload.callback_query_id)).toEqual(["cq-p"]);
  });

  it("logs and carries on when onInbound throws", async () => {
    await channel.start();
    inbound.failWith = new Error("database down");
    fake.pushUpdate(privateTextUpdate({ userId: 33, text: "lost", messageId: 1 }));
    await fake.waitFor((calls) => calls.filter((c) => c.method === "getUpdates").length >= 2);
    inbound.failWith = undefined;
    fake.pushUpdate(privateTextUpdate({ userId: 33, text: "kept", messageId: 2 }));
    await waitForReceived(1);
    expect(inbound.received.map((m) => m.text)).toEqual(["kept"]);
  });

  it("sets the command menu for the default scope and each Telegram language", async () => {
    await channel.start();
    const menus = fake.callsOf("setMyCommands").map((c) => c.payload);
    expect(menus.map((m) => m.language_code)).toEqual([undefined, "ro", "ar", "bg", "nl", "fr", "en"]);
    expect(menus[0]?.commands).toEqual(
      [
        "start",
        "appointments",
        "assessment",
        "alerts",
        "language",
        "counsellor",
        "privacy",
        "delete",
        "stop",
        "link",
        "help",
        "voice",
      ].map((name) => ({
        command: name,
        description: `en:commands.${name}_description`,
      })),
    );
    expect(menus[2]?.commands).toContainEqual({
      command: "help",
      description: "ar:commands.help_description",
    });
  });

  it("starts even when setMyCommands fails", async () => {
    fake.failNext("setMyCommands", { error_code: 400, description: "Bad Request: bad description" }, 7);
    await channel.start();
    fake.pushUpdate(privateTextUpdate({ userId: 34, text: "hi", messageId: 1 }));
    await waitForReceived(1);
    expect(fake.callsOf("setMyCommands").every((c) => c.errorCode === 400)).toBe(true);
  });
});
