/**
 * The typing indicator through the fake Bot API: a turn that takes longer than a second shows
 * "typing…" (sendChatAction typing), renewed while it runs; a quick one shows nothing.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createTelegramChannel } from "../../../src/channels/telegram/telegram-channel.ts";
import type { InboundMessage } from "../../../src/channels/types.ts";
import { type FakeTelegram, privateTextUpdate, startFakeTelegram } from "../../support/fake-telegram.ts";
import { silentLogger } from "./support.ts";

const SECRET = "webhook-secret-for-tests_0123";
let fake: FakeTelegram;
let app: FastifyInstance;
/** How long the stand-in core takes for each message. */
let turnMs = 0;

beforeEach(async () => {
  fake = await startFakeTelegram();
  const channel = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    mode: "webhook",
    webhookSecret: SECRET,
    onInbound: async (_message: InboundMessage) => {
      await new Promise((resolve) => setTimeout(resolve, turnMs));
    },
    logger: silentLogger,
    typing: { afterMs: 1000, everyMs: 600 },
  });
  app = Fastify();
  channel.registerWebhook(app);
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

let updateId = 1;
const post = (text: string, userId: number) =>
  app.inject({
    method: "POST",
    url: "/telegram/webhook",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    payload: { update_id: updateId++, ...privateTextUpdate({ userId, text, messageId: updateId }) },
  });

test("a turn longer than a second shows typing in that chat, renewed while it runs", async () => {
  turnMs = 2000;
  const response = await post("hello", 4242);
  expect(response.statusCode).toBe(200);
  const typing = fake.callsOf("sendChatAction");
  expect(typing.length).toBeGreaterThanOrEqual(2);
  expect(typing.every((c) => String(c.payload.chat_id) === "4242" && c.payload.action === "typing")).toBe(
    true,
  );
  // Nothing after the turn is done.
  const count = typing.length;
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(fake.callsOf("sendChatAction")).toHaveLength(count);
});

test("a quick turn shows no typing", async () => {
  turnMs = 50;
  expect((await post("hi", 4343)).statusCode).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect(fake.callsOf("sendChatAction")).toEqual([]);
});
