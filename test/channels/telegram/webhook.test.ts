import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramChannel } from "../../../src/channels/telegram/telegram-channel.ts";
import {
  callbackUpdate,
  type FakeTelegram,
  privateTextUpdate,
  startFakeTelegram,
} from "../../support/fake-telegram.ts";
import { type RecordingInbound, recordingInbound } from "./support.ts";

const SECRET = "webhook-secret-for-tests_0123";

let fake: FakeTelegram;
let app: FastifyInstance;
let inbound: RecordingInbound;
let url: string;
/** Every log line the channel wrote, at debug level, unredacted: what must never contain text or names. */
let logLines: string[];

beforeEach(async () => {
  fake = await startFakeTelegram();
  inbound = recordingInbound();
  logLines = [];
  const channel = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    mode: "webhook",
    webhookSecret: SECRET,
    webhookUrl: "https://bot.example.org/telegram/webhook",
    onInbound: inbound.handler,
    logger: pino({ level: "debug" }, { write: (line: string) => logLines.push(line) }),
  });
  app = Fastify();
  channel.registerWebhook(app);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/telegram/webhook`;
  await channel.start();
});

afterEach(async () => {
  await app.close();
  await fake.close();
});

let nextUpdateId = 1000;
/** Posts to the webhook as Telegram would; `secret: null` sends no secret header. */
function post(body: unknown, secret: string | null = SECRET, raw = false) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  const payload = raw ? String(body) : JSON.stringify(body);
  return fetch(url, { method: "POST", headers, body: payload });
}
const update = (u: object) => ({ update_id: nextUpdateId++, ...u });

describe("POST /telegram/webhook", () => {
  it("registers the webhook with its secret on start", () => {
    expect(fake.callsOf("setWebhook").map((c) => c.payload)).toEqual([
      {
        url: "https://bot.example.org/telegram/webhook",
        secret_token: SECRET,
        allowed_updates: ["message", "callback_query"],
      },
    ]);
    expect(fake.callsOf("deleteWebhook")).toHaveLength(0);
  });

  it("answers 401 to a wrong or missing secret and hands nothing on", async () => {
    const body = update(privateTextUpdate({ userId: 1, text: "hi" }));
    expect((await post(body, "wrong-secret-0123456789")).status).toBe(401);
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, `${SECRET}x`)).status).toBe(401);
    expect((await post("{not json", "nope", true)).status).toBe(401);
    expect(inbound.received).toEqual([]);
  });

  it("answers 400 with a JSON error to malformed bodies", async () => {
    for (const [body, raw] of [
      ["{not json", true],
      [{ message: {} }, false],
      [{ update_id: "12" }, false],
      [[{ update_id: 1 }], false],
      ["42", true],
    ] as const) {
      const response = await post(body, SECRET, raw);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toHaveProperty("error");
    }
    expect(inbound.received).toEqual([]);
  });

  it("acknowledges updates it does not handle without calling onInbound", async () => {
    const text = privateTextUpdate({ userId: 5, text: "hi" }).message;
    const ignored = [
      update({ edited_message: { ...text, edit_date: 1 } }),
      update({
        chat_member: {
          chat: { id: -100, type: "group", title: "g" },
          from: { id: 5, is_bot: false, first_name: "A" },
          date: 1,
          old_chat_member: { status: "left", user: { id: 5, is_bot: false, first_name: "A" } },
          new_chat_member: { status: "member", user: { id: 5, is_bot: false, first_name: "A" } },
        },
      }),
      update({ message: { ...text, chat: { id: -100, type: "supergroup", title: "g" } } }),
      update({ message: { ...text, text: undefined, sticker: { file_id: "s" } } }),
    ];
    for (const body of ignored) expect((await post(body)).status).toBe(200);
    expect(inbound.received).toEqual([]);
    const ignoredIds = logLines
      .map((line) => JSON.parse(line) as { msg: string; updateId?: number })
      .filter((entry) => entry.msg === "telegram update ignored")
      .map((entry) => entry.updateId);
    expect(ignoredIds).toEqual(ignored.map((u) => u.update_id));
  });

  it("hands a private text message to onInbound", async () => {
    const body = update(
      privateTextUpdate({
        userId: 777,
        text: "/start abc",
        messageId: 3,
        firstName: "Ion",
        languageCode: "ro",
      }),
    );
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(inbound.received).toHaveLength(1);
    expect(inbound.received[0]).toMatchObject({
      channel: "telegram",
      externalUserId: "777",
      externalConversationId: "777",
      externalMessageId: "message:777:3",
      text: "/start abc",
      localeHint: "ro",
      displayName: "Ion",
    });
    expect(inbound.received[0]?.receivedAt).toBeInstanceOf(Date);
  });

  it("turns a tap into a choice, answers it in the webhook's 200 and removes the keyboard", async () => {
    const body = update(
      callbackUpdate({ userId: 88, data: "consent.accept", messageId: 12, callbackId: "cq-1" }),
    );
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(inbound.received).toEqual([
      expect.objectContaining({ choiceId: "consent.accept", externalMessageId: "callback:cq-1" }),
    ]);
    expect(inbound.received[0]?.text).toBeUndefined();
    // Telegram's webhook reply: Telegram calls it; the bot makes no request of its own for it.
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ method: "answerCallbackQuery", callback_query_id: "cq-1" });
    expect(fake.callsOf("answerCallbackQuery")).toHaveLength(0);
    const edits = fake.callsOf("editMessageReplyMarkup");
    expect(edits).toHaveLength(1);
    expect(edits[0]?.payload).toMatchObject({ chat_id: 88, message_id: 12 });
    expect(edits[0]?.payload.reply_markup).toBeUndefined();
  });

  it("still delivers the choice when the keyboard cannot be removed", async () => {
    fake.failNext("editMessageReplyMarkup", {
      error_code: 400,
      description: "Bad Request: message is not modified",
    });
    const response = await post(update(callbackUpdate({ userId: 89, data: "lang.ro" })));
    expect(response.status).toBe(200);
    expect(inbound.received.map((m) => m.choiceId)).toEqual(["lang.ro"]);
  });

  it("does not answer a tap whose turn failed (503): the redelivery answers it", async () => {
    const body = update(callbackUpdate({ userId: 90, data: "lang.ar", callbackId: "cq-9" }));
    inbound.failWith = new Error("database down");
    const failed = await post(body);
    expect(failed.status).toBe(503);
    expect(await failed.text()).not.toContain("answerCallbackQuery");
    inbound.failWith = undefined;
    const redelivered = await post(body);
    expect(await redelivered.json()).toEqual({ method: "answerCallbackQuery", callback_query_id: "cq-9" });
  });

  it("answers 503 when onInbound throws, so Telegram redelivers, and keeps serving", async () => {
    const body = update(
      privateTextUpdate({ userId: 9, text: "secret words", messageId: 50, firstName: "Zamfira" }),
    );
    inbound.failWith = new Error("database down");
    const failed = await post(body);
    expect(failed.status).toBe(503);
    const errorLine = logLines.find((line) => line.includes("database down"));
    expect(errorLine).toContain(`"updateId":${body.update_id}`);
    expect(logLines.join("\n")).not.toMatch(/secret words|Zamfira/);
    inbound.failWith = undefined;
    const redelivered = await post(body);
    expect(redelivered.status).toBe(200);
    expect(inbound.received.map((m) => m.externalMessageId)).toEqual(["message:9:50"]);
  });
});
