/**
 * What must hold when things go wrong or overlap: a restart in the middle of a flow, two taps at
 * once on two app instances, replayed webhooks, bad webhook requests, and a blocked bot.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { posterCode } from "../domain/fixtures.ts";
import { testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, privateTextUpdate, startFakeTelegram } from "../support/fake-telegram.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { postUpdate, startTestApp } from "../support/test-app.ts";

let telegram: FakeTelegram;
let app: App;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  app = await startTestApp({ telegram });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

const conversationOf = (userId: number) =>
  app.db.conversation.findUniqueOrThrow({
    where: {
      channel_externalConversationId: { channel: "telegram", externalConversationId: String(userId) },
    },
    include: { messages: { orderBy: { id: "asc" } }, flowRuns: true },
  });

test("a client who answers after a restart continues where they were", async () => {
  const first = await startTestApp({ telegram });
  const before = new TelegramUser(first, telegram);
  await before.say(`/start ${await posterCode(first.db)}`);
  await before.tap("language:ro");
  await first.close();

  const second = await startTestApp({ telegram });
  try {
    const after = new TelegramUser(second, telegram, undefined, before.userId);
    const replies = await after.tap("consent:accept");
    expect(replies[0]?.text).toBe(second.translator.t("onboarding.lead", "ro"));
  } finally {
    await second.close();
  }
});

test("two taps at once on two app instances run one after the other, replies never interleave", async () => {
  const other = await startTestApp({ telegram });
  try {
    const user = new TelegramUser(app, telegram);
    await user.say("/start");
    // Two "4"s at the same moment, each to a different instance: whichever runs first picks the
    // fourth language (Български); the other then answers the consent question, where 4 is no choice.
    const a = postUpdate(app, privateTextUpdate({ userId: user.userId, text: "4", messageId: 101 }));
    const b = postUpdate(other, privateTextUpdate({ userId: user.userId, text: "4", messageId: 102 }));
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.statusCode, rb.statusCode]).toEqual([200, 200]);

    const conversation = await conversationOf(user.userId);
    const turns = conversation.messages.map((m) => (m.direction === "inbound" ? "IN" : m.messageKey));
    expect(turns).toEqual([
      "IN",
      "onboarding.language_prompt",
      "IN",
      "onboarding.welcome",
      "onboarding.consent_notice",
      "IN",
      "common.invalid_choice",
      "onboarding.consent_notice",
    ]);
    expect(conversation.locale).toBe("bg");
    // What the person received is in the same order.
    const received = telegram
      .sent()
      .filter((p) => String(p.chat_id) === String(user.userId))
      .map((p) => p.text);
    expect(received).toEqual(
      [
        "onboarding.language_prompt",
        "onboarding.welcome",
        "onboarding.consent_notice",
        "common.invalid_choice",
        "onboarding.consent_notice",
      ].map((key, i) => app.translator.t(key, i === 0 ? "en" : "bg")),
    );
  } finally {
    await other.close();
  }
});

test("a conversation erased while its message waits for the lock: the message starts a new one", async () => {
  const user = new TelegramUser(app, telegram);
  await user.say("/start");
  const before = await conversationOf(user.userId);
  // Another turn holds the lock; the message finds the conversation and waits; the other erases it.
  const holder = new pg.Client({ connectionString: testDatabaseUrl() });
  await holder.connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [before.id]);
    const waiting = user.say("/start");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.db.conversation.delete({ where: { id: before.id } });
    await holder.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [before.id]);
    const replies = await waiting;
    expect(replies.length).toBeGreaterThan(0);
  } finally {
    await holder.end();
  }
  const after = await conversationOf(user.userId);
  expect(after.id).not.toBe(before.id);
  expect(after.flowRuns.map((r) => [r.flowId, r.status])).toEqual([["onboarding", "active"]]);
});

test("a replayed update is processed once", async () => {
  const user = new TelegramUser(app, telegram);
  const update = privateTextUpdate({ userId: user.userId, text: "/start", messageId: 7 });
  await postUpdate(app, update);
  await postUpdate(app, update);
  const sent = telegram.sent().filter((p) => String(p.chat_id) === String(user.userId));
  expect(sent).toHaveLength(1);
});

test("a wrong or missing secret is refused with 401, and nothing is processed", async () => {
  const user = new TelegramUser(app, telegram);
  const wrong = await postUpdate(
    app,
    privateTextUpdate({ userId: user.userId, text: "/start" }),
    "wrong-secret-wrong-secret",
  );
  expect(wrong.statusCode).toBe(401);
  const missing = await app.http.inject({
    method: "POST",
    url: "/telegram/webhook",
    headers: { "content-type": "application/json" },
    payload: { update_id: 1, ...privateTextUpdate({ userId: user.userId, text: "/start" }) },
  });
  expect(missing.statusCode).toBe(401);
  expect(telegram.sent().filter((p) => String(p.chat_id) === String(user.userId))).toHaveLength(0);
});

test("a malformed body gets a 400 and the app keeps serving", async () => {
  const response = await app.http.inject({
    method: "POST",
    url: "/telegram/webhook",
    headers: {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": "test-webhook-secret-0123456789",
    },
    payload: "{not json",
  });
  expect(response.statusCode).toBe(400);
  const health = await app.http.inject({ method: "GET", url: "/healthz" });
  expect(health.statusCode).toBe(200);
});

test("a client who blocked the bot is marked blocked; writing again unblocks", async () => {
  const user = new TelegramUser(app, telegram);
  telegram.failNext("sendMessage", {
    error_code: 403,
    description: "Forbidden: bot was blocked by the user",
  });
  await user.say("/start");
  const blocked = await conversationOf(user.userId);
  expect(blocked.status).toBe("blocked");
  expect(blocked.messages.find((m) => m.direction === "outbound")).toMatchObject({ status: "failed" });
  await user.say("/start");
  expect((await conversationOf(user.userId)).status).toBe("active");
});

test("/readyz reports Postgres and Redis", async () => {
  const response = await app.http.inject({ method: "GET", url: "/readyz" });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ status: "ready", postgres: "ok", redis: "ok" });
});

test("a run that started on an older flow version finishes on that version", async () => {
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${await posterCode(app.db)}`);
  await user.tap("language:nl");
  // Pretend this run began before onboarding v2 was deployed: it is on v1, whose end has no offer.
  const conversation = await conversationOf(user.userId);
  const run = conversation.flowRuns[0];
  expect(run).toMatchObject({ flowId: "onboarding", flowVersion: 4, stepId: "consent" });
  await app.db.flowRun.update({
    where: { id: run?.id ?? "-" },
    data: { flowVersion: 1, state: { ...(run?.state as object), flowVersion: 1 } },
  });
  const done = await user.tap("consent:accept");
  expect(done.map((m) => m.text)).toEqual([
    app.translator.t("onboarding.lead", "nl"),
    app.translator.t("onboarding.done", "nl"),
  ]);
  const finished = await app.db.flowRun.findUniqueOrThrow({ where: { id: run?.id ?? "-" } });
  expect(finished).toMatchObject({ flowVersion: 1, status: "completed" });
});
