import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramSender } from "../../../src/channels/telegram/sender.ts";
import { type ChannelSender, type ConversationAddress, SendError } from "../../../src/channels/types.ts";
import { type FakeTelegram, startFakeTelegram } from "../../support/fake-telegram.ts";

const address: ConversationAddress = {
  channel: "telegram",
  externalConversationId: "4242",
  externalUserId: "4242",
};
const hello = { text: "👋 Hello!", locale: "en", direction: "ltr" as const };

let fake: FakeTelegram;

beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await fake.close();
});

/** Built from the token alone, as app.ts builds it: one call per send, never a retry inside. */
function sender(apiRoot = fake.apiRoot): ChannelSender {
  return createTelegramSender(fake.token, { apiRoot });
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  return error as SendError;
}

describe("Telegram sender", () => {
  it("sends the text to the chat and returns Telegram's message id", async () => {
    const s = sender();
    expect(await s.send(address, hello)).toEqual({ externalMessageId: "1" });
    expect(await s.send(address, { ...hello, text: "again" })).toEqual({ externalMessageId: "2" });
    expect(fake.sent()).toEqual([
      { chat_id: 4242, text: "👋 Hello!" },
      { chat_id: 4242, text: "again" },
    ]);
  });

  it("renders choices as an inline keyboard", async () => {
    await sender().send(address, {
      ...hello,
      choices: [
        { id: "yes", label: "✅ Yes" },
        { id: "no", label: "❌ No" },
      ],
    });
    expect(fake.sent()[0]?.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: "✅ Yes", callback_data: "yes" },
          { text: "❌ No", callback_data: "no" },
        ],
      ],
    });
  });

  it("refuses a choice id over 64 bytes without calling Telegram", async () => {
    const error = await sendError(
      sender().send(address, { ...hello, choices: [{ id: "c".repeat(65), label: "x" }] }),
    );
    expect(error.kind).toBe("permanent");
    expect(error.message).toMatch(/65 bytes/);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("maps 403 to blocked", async () => {
    fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const error = await sendError(sender().send(address, hello));
    expect(error.kind).toBe("blocked");
    expect(error.message).toMatch(/blocked by the user/);
  });

  it("maps other 4xx to permanent", async () => {
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    expect((await sendError(sender().send(address, hello))).kind).toBe("permanent");
  });

  it("surfaces a 429 as rate_limited with its retry_after at once: the outbox pauses, not the sender", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 120 });
    const error = await sendError(sender().send(address, hello));
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterSeconds).toBe(120);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("reports a 5xx as transient after one call: the outbox retries with its backoff", async () => {
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 10);
    const error = await sendError(sender().send(address, hello));
    expect(error.kind).toBe("transient");
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("brings Telegram's limits: 30 a second per bot, one a second per chat in bursts of three", () => {
    expect(sender().limits).toEqual([
      { per: "bot", limit: 30, windowMs: 1000 },
      { per: "conversation", limit: 3, windowMs: 3000 },
    ]);
  });

  it("maps a network failure to transient", async () => {
    const closed = await startFakeTelegram();
    const root = closed.apiRoot;
    await closed.close();
    const error = await sendError(sender(root).send(address, hello));
    expect(error.kind).toBe("transient");
  });

  it("refuses an address of another channel", async () => {
    const error = await sendError(sender().send({ ...address, channel: "teams" }, hello));
    expect(error.kind).toBe("permanent");
    expect(fake.calls).toHaveLength(0);
  });
});
