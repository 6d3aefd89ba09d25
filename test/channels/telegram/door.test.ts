/**
 * Regression tests for issue 12's defects at the Telegram door, against the real app (real
 * Postgres and Redis, the fake Bot API): (1) a tap with a nested id and no chat killed the process
 * with an unhandled rejection; (3) NUL and lone surrogates answered 500 for ever; (4) missing or
 * mistyped fields, deep nesting and huge ids answered 500. Each must now be acknowledged (2xx) or
 * refused (4xx), with no rejection left unhandled and the bot still answering afterwards.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { TelegramUser } from "../../support/telegram-user.ts";
import { WEBHOOK_SECRET } from "../../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";

let bed: TestBedWithTelegram;
const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", collect);
  process.on("uncaughtException", collect);
  bed = await startTestBed({ telegram: true });
});
afterAll(async () => {
  await bed?.close();
  process.off("unhandledRejection", collect);
  process.off("uncaughtException", collect);
});
afterEach(() => {
  unhandled.length = 0;
});

let updateId = 50_000;
/** Posts a raw body (string) or an object with a fresh update_id to the webhook. */
function post(body: unknown) {
  const payload =
    typeof body === "string" ? body : JSON.stringify({ update_id: updateId++, ...(body as object) });
  return bed.app.http.inject({
    method: "POST",
    url: "/telegram/webhook",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    payload,
  });
}

/** Lets fire-and-forget work (a Bot API call started and not awaited) settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const nested = (depth: number): unknown => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

const from = (id: number, extra: object = {}) => ({ id, is_bot: false, first_name: "Ana", ...extra });
const chat = (id: unknown) => ({ id, type: "private" });
const text = (userId: number, body: unknown, extra: object = {}) => ({
  message: { message_id: 7, date: 1, chat: chat(userId), from: from(userId), text: body, ...extra },
});

test("defect 1: a tap whose id is nested JSON and whose message has no chat does not kill the process", async () => {
  const response = await post({
    callback_query: {
      id: nested(20),
      from: from(9),
      chat_instance: "1",
      data: "language:ro",
      message: { message_id: 1, date: 5 },
    },
  });
  expect(response.statusCode).toBeLessThan(500);
  await settle();
  expect(unhandled).toEqual([]);
  const user = new TelegramUser(bed.app, bed.telegram);
  expect((await user.say("/start")).length).toBeGreaterThan(0);
});

test("defect 3: NUL and lone surrogates are acknowledged, stored clean, and the bot goes on", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say("/start");
  await user.tap("language:ro");
  await user.tap("consent:accept");
  for (const poison of ["a\u0000b", "x\ud800y", "\udc00", "/start abc\u0000", "/start \ud800"]) {
    const response = await post(text(user.userId, poison, { message_id: updateId }));
    expect(response.statusCode, JSON.stringify(poison)).toBe(200);
  }
  const badTap = (data: string, id: string) => ({
    callback_query: {
      id,
      from: from(user.userId),
      chat_instance: "1",
      data,
      message: { message_id: 1, date: 5, chat: chat(user.userId) },
    },
  });
  expect((await post(badTap("language:\u0000", `cb-${updateId}`))).statusCode).toBe(200);
  expect((await post(badTap("x\ud800", `cb-${updateId}`))).statusCode).toBe(200);
  expect((await post(badTap("language:ro", `cb\u0000${updateId}`))).statusCode).toBe(200);
  expect((await post(badTap("language:ro", "\ud800"))).statusCode).toBe(200);
  // A first name with NUL at consent (where it is stored).
  const other = new TelegramUser(bed.app, bed.telegram);
  await other.say("/start");
  await other.tap("language:en");
  const consent = {
    callback_query: {
      id: `cb-consent-${updateId}`,
      from: from(other.userId, { first_name: "An\u0000a\ud800" }),
      chat_instance: "1",
      data: "consent:accept",
      message: { message_id: 1, date: 5, chat: chat(other.userId) },
    },
  };
  expect((await post(consent)).statusCode).toBe(200);
  // A 4,000-character chat id (as a string and as a number).
  expect((await post(text(1, "hi", { chat: chat("9".repeat(4000)) }))).statusCode).toBe(200);
  expect(
    (
      await post(
        `{"update_id":1,"message":{"message_id":1,"chat":{"id":${"9".repeat(4000)},"type":"private"},"from":{"id":1,"is_bot":false,"first_name":"A"},"text":"hi"}}`,
      )
    ).statusCode,
  ).toBeLessThan(500);
  const stored = await bed.app.db.message.findMany({
    where: { conversation: { externalConversationId: String(user.userId) }, direction: "inbound" },
    select: { text: true },
  });
  expect(stored.length).toBeGreaterThan(3);
  for (const row of stored) {
    expect(row.text ?? "").not.toContain("\u0000");
    expect(encodeURIComponent(row.text ?? "")).toBeTypeOf("string"); // throws on a lone surrogate
  }
  // And the same person is still answered (say() expects a 200).
  await user.say("hello");
  await settle();
  expect(unhandled).toEqual([]);
});

test("defect 4: missing or mistyped fields, deep nesting and huge ids never answer 5xx", async () => {
  const bodies: unknown[] = [
    { message: { message_id: 1, date: 1, from: from(3), text: "no chat" } },
    { message: { message_id: 1, date: 1, chat: { id: null, type: "private" }, from: from(3), text: "x" } },
    { message: { message_id: 1, date: 1, chat: { type: "private" }, from: from(3), text: "x" } },
    { message: { message_id: "1", date: 1, chat: chat(3), from: from(3), text: "x" } },
    { message: { message_id: 1, date: 1, chat: chat(3), from: { id: 3, language_code: 7 }, text: "x" } },
    { message: { message_id: 1, date: 1, chat: chat(3), from: from(3), text: { a: 1 } } },
    { message: { message_id: 1, date: 1, chat: chat(3), from: from(3), text: "x".repeat(100_000) } },
    { message: { message_id: 1, date: 1, chat: chat(2 ** 60), from: from(3), text: "x" } },
    { message: { message_id: 1, date: 1, chat: chat(1.5), from: from(3), text: "x" } },
    { message: null },
    { message: [] },
    {
      callback_query: { id: "c1", chat_instance: "1", data: "x", message: { message_id: 1, chat: chat(3) } },
    },
    { callback_query: { id: "c2", from: from(3), data: "x", message: { message_id: 1, date: 1, chat: 5 } } },
    { callback_query: { id: "c3", from: { id: "3" }, data: "x" } },
    { callback_query: { id: 4, from: from(3), data: ["x"] } },
    { callback_query: "yes" },
    `{"update_id":2,"message":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`,
    { callback_query: { id: nested(50), from: from(3) } },
  ];
  for (const body of bodies) {
    const response = await post(body);
    expect(response.statusCode, JSON.stringify(body).slice(0, 200)).toBeLessThan(500);
  }
  const deep = `{"update_id":1,"message":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  expect((await post(deep)).statusCode).toBeLessThan(500);
  await settle();
  expect(unhandled).toEqual([]);
  expect((await bed.app.http.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
});
