import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeTelegram, privateTextUpdate, startFakeTelegram } from "../../support/fake-telegram.ts";

let fake: FakeTelegram;
afterEach(async () => {
  await fake.close();
});

const call = async (method: string, init?: RequestInit, token = fake.token) => {
  const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const json = (payload: object): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(payload),
});

describe("fake Telegram Bot API", () => {
  beforeEach(async () => {
    fake = await startFakeTelegram();
  });

  it("answers 401 to a wrong token and 404 to an unknown method", async () => {
    expect(await call("getMe", undefined, "1:wrong")).toMatchObject({
      status: 401,
      body: { error_code: 401 },
    });
    expect(await call("sendSticker", json({ chat_id: 1 }))).toMatchObject({
      status: 404,
      body: { ok: false },
    });
  });

  it("reads JSON, urlencoded and multipart bodies", async () => {
    await call("sendMessage", json({ chat_id: 7, text: "json" }));
    await call("sendMessage", {
      method: "POST",
      body: new URLSearchParams({ chat_id: "7", text: "form", reply_markup: '{"inline_keyboard":[]}' }),
    });
    const multipart = new FormData();
    multipart.set("chat_id", "7");
    multipart.set("text", "multipart");
    const { body } = await call("sendMessage", { method: "POST", body: multipart });
    expect(body).toMatchObject({ ok: true, result: { message_id: 3, chat: { id: 7, type: "private" } } });
    expect(fake.sent().map((p) => p.text)).toEqual(["json", "form", "multipart"]);
    expect(fake.sent()[1]?.reply_markup).toEqual({ inline_keyboard: [] });
  });

  it("fails the next calls of a method on demand, with retry_after", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 3 }, 2);
    const failed = await call("sendMessage", json({ chat_id: 1, text: "a" }));
    expect(failed).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 3 } },
    });
    expect((await call("sendMessage", json({ chat_id: 1, text: "b" }))).status).toBe(429);
    expect((await call("sendMessage", json({ chat_id: 1, text: "c" }))).status).toBe(200);
    expect(fake.sent()).toHaveLength(1);
  });

  it("long-polls getUpdates until an update is pushed, and honours offset", async () => {
    const started = Date.now();
    const polling = call("getUpdates", json({ offset: 0, timeout: 10 }));
    await fake.waitFor((calls) => calls.some((c) => c.method === "getUpdates"));
    const pushed = fake.pushUpdate(privateTextUpdate({ userId: 5, text: "hi" }));
    const { body } = await polling;
    expect(body.result).toEqual([pushed]);
    expect(Date.now() - started).toBeLessThan(5000);
    const after = await call("getUpdates", json({ offset: pushed.update_id + 1, timeout: 0 }));
    expect(after.body.result).toEqual([]);
  });
});

describe("fake Telegram flood limits", () => {
  it("answers 429 when a chat gets more than its messages per second", async () => {
    fake = await startFakeTelegram({ maxPerChatPerSecond: 2 });
    const statuses = [];
    for (const text of ["1", "2", "3"])
      statuses.push((await call("sendMessage", json({ chat_id: 1, text }))).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await call("sendMessage", json({ chat_id: 2, text: "other chat" }))).status).toBe(200);
    const limited = fake.callsOf("sendMessage").find((c) => c.errorCode === 429);
    expect(limited?.payload.text).toBe("3");
  });

  it("answers 429 with retry_after when the global rate is exceeded", async () => {
    fake = await startFakeTelegram({ maxMessagesPerSecond: 1 });
    expect((await call("sendMessage", json({ chat_id: 1, text: "a" }))).status).toBe(200);
    const limited = await call("sendMessage", json({ chat_id: 2, text: "b" }));
    expect(limited).toMatchObject({ status: 429, body: { parameters: { retry_after: 1 } } });
  });
});
