/**
 * A worker killed (SIGKILL) while Telegram is answering a sendMessage: the message reached
 * Telegram, but the worker never recorded it. When the job is retried, the message must not be
 * sent a second time: it is marked failed as "uncertain", visibly. A proxy between the worker and
 * the fake Bot API holds the answer so the kill lands inside that window.
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTelegramChannel } from "../../src/channels/telegram/telegram-channel.ts";
import { createLogger } from "../../src/logger.ts";
import { createOutboundWorkers, UNCERTAIN } from "../../src/outbox/outbound-worker.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
const prefix = `kill-${uid()}`;
let telegram: FakeTelegram;
let proxy: http.Server;
let proxyRoot: string;
let held: () => void = () => {};
const heldRequest = new Promise<void>((resolve) => {
  held = resolve;
});
let child: ChildProcess | undefined;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  // Forwards every call; for sendMessage, Telegram gets it at once but the answer is held 20 s.
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const response = await fetch(`${telegram.apiRoot}${req.url}`, {
        method: req.method ?? "POST",
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: Buffer.concat(chunks),
      });
      const body = await response.text();
      if (req.url?.endsWith("/sendMessage")) {
        held();
        await new Promise((r) => setTimeout(r, 20_000));
      }
      res.writeHead(response.status, { "content-type": "application/json" }).end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyRoot = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  child?.kill("SIGKILL");
  proxy.closeAllConnections();
  proxy.close();
  await telegram.close();
  redis.disconnect();
  await db.$disconnect();
});

test("killed during the platform call: the retry sends no second copy and marks the message uncertain", async () => {
  const chatId = String(Date.now());
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: chatId, externalUserId: chatId, locale: "en" },
  });
  child = spawn(process.execPath, ["--import", "tsx", "test/outbox/worker-process.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: proxyRoot,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) =>
    child?.stdout?.on("data", (d) => String(d).includes("ready") && resolve()),
  );

  const outbox = createOutbox({ db, connection: redis, prefix });
  const messageId = await outbox.send({
    conversationId: conversation.id,
    idempotencyKey: `kill-test:${conversation.id}`,
    messageKey: "common.nothing_to_do",
    message: { text: "⏰ Reminder", locale: "en", direction: "ltr" },
  });
  await heldRequest;
  expect((await db.message.findUniqueOrThrow({ where: { id: messageId } })).status).toBe("sending");
  child.kill("SIGKILL");

  // A healthy worker takes the stalled job over once the dead one's lock expires.
  const logger = createLogger("silent");
  const sender = createTelegramChannel({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    mode: "webhook",
    webhookSecret: "kill-test-secret-0123456789",
    onInbound: async () => {},
    logger,
  }).sender;
  const workers = createOutboundWorkers({
    db,
    connection: redis,
    prefix,
    senders: new Map([["telegram", sender]]),
    logger,
    lockDuration: 1000,
    stalledInterval: 1000,
  });
  try {
    const deadline = Date.now() + 20_000;
    let message = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    while (message.status === "sending" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      message = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    }
    expect(message).toMatchObject({ status: "failed", error: UNCERTAIN, attempts: 1 });
    expect(telegram.sent().filter((p) => String(p.chat_id) === chatId)).toHaveLength(1);
  } finally {
    await workers.close();
    await outbox.close();
  }
}, 60_000);
