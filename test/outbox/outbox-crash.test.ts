/**
 * A worker process killed (SIGKILL) while it holds a send job; a healthy worker then takes the
 * stalled job over once the dead one's lock expires.
 *
 * A. Killed while Telegram is answering sendMessage: the message reached Telegram but the worker
 *    never recorded it. The retry must not send a second copy: the message is marked failed as
 *    "uncertain", visibly. A proxy between the worker and the fake Bot API holds the answer so
 *    the kill lands inside that window.
 * B. Killed before it claimed the message (its database does not answer): the retry sends it,
 *    exactly once.
 * C. A broadcast page killed with messages claimed ahead of their slots (held-claims.ts): those
 *    never left, so the worker that takes over sends them, once each. No chat gets two.
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { heldClaimsKey } from "../../src/outbox/held-claims.ts";
import { UNCERTAIN } from "../../src/outbox/outbound-worker.ts";
import { createOutbox, type Outbox, outboundJobId, outboundQueueName } from "../../src/outbox/outbox.ts";
import type { Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import {
  eventually,
  notice,
  type OutboxRig,
  settled,
  startOutbox,
  telegramConversation,
  telegramSender,
} from "./outbox-harness.ts";

let db: Db;
let redis: Redis;
let telegram: FakeTelegram;
let child: ChildProcess | undefined;
let rig: OutboxRig | undefined;
let enqueuer: Outbox | undefined;
const servers: (http.Server | net.Server)[] = [];

beforeAll(async () => {
  db = testDb();
  redis = createRedis(TEST_REDIS_URL);
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await enqueuer?.close();
  enqueuer = undefined;
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  for (const server of servers) {
    if (server instanceof http.Server) server.closeAllConnections();
    server.close();
  }
  await telegram?.close();
  redis?.disconnect();
  await db?.$disconnect();
});

async function listen<T extends http.Server | net.Server>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/**
 * Forwards every Bot API call to the fake at once (so Telegram "has" the message), but holds the
 * answers to sendMessage until the caller is gone. `arrived` resolves when one is being held.
 */
async function holdingProxy(): Promise<{ apiRoot: string; arrived: Promise<void>; forwarded: () => number }> {
  let forwarded = 0;
  let arrived: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const response = await fetch(`${telegram.apiRoot}${req.url}`, {
        method: req.method ?? "POST",
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: Buffer.concat(chunks),
      });
      const body = await response.text();
      if (req.url?.endsWith("/sendMessage")) {
        forwarded++;
        arrived();
        return; // never answered; the connection ends with the process that asked
      }
      res.writeHead(response.status, { "content-type": "application/json" }).end(body);
    });
  });
  return { apiRoot: `http://${await listen(server)}`, arrived: promise, forwarded: () => forwarded };
}

/** A "Postgres" that accepts connections and never says a word: every query hangs. */
async function silentDatabaseUrl(): Promise<string> {
  const server = net.createServer(() => {});
  const address = await listen(server);
  return `postgresql://postgres:postgres@${address}/silent`;
}

/** Starts test/outbox/worker-process.ts; resolves once its worker is connected. */
async function startWorkerProcess(env: {
  databaseUrl: string;
  prefix: string;
  apiRoot: string;
}): Promise<ChildProcess> {
  const started = spawn(process.execPath, ["--import", "tsx", "test/outbox/worker-process.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: env.prefix,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: env.apiRoot,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  child = started;
  await new Promise<void>((resolve, reject) => {
    started.stdout?.on("data", (d) => String(d).includes("ready") && resolve());
    started.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return started;
}

/** The outbox alone (no worker here yet): writes and dispatches to `prefix`. */
const outboxOn = (prefix: string) => {
  enqueuer = createOutbox({ db, connection: redis, prefix });
  return enqueuer;
};

/** A healthy worker in this process, on `prefix`, quick to notice a dead worker's job. */
const takeOver = (prefix: string) => {
  rig = startOutbox({
    db,
    redis,
    prefix,
    sender: telegramSender(telegram.token, telegram.apiRoot),
    lockDuration: 1000,
    stalledInterval: 500,
  });
  return rig;
};

const sentTo = (chatId: string) => telegram.sent().filter((p) => String(p.chat_id) === chatId);

test("A: killed during the platform call — no second copy, the message is failed as uncertain", async () => {
  const prefix = `kill-${uid()}`;
  const proxy = await holdingProxy();
  const worker = await startWorkerProcess({ databaseUrl: testDatabaseUrl(), prefix, apiRoot: proxy.apiRoot });

  const chat = await telegramConversation(db);
  const outbox = outboxOn(prefix);
  const id = await outbox.send(notice(chat.id, "⏰ Mâine la 10:00"));
  await proxy.arrived;
  expect(await db.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sending" });
  expect(sentTo(chat.chatId)).toHaveLength(1);
  worker.kill("SIGKILL");

  takeOver(prefix);
  const row = await settled(db, id, 20_000);
  expect(row).toMatchObject({ status: "failed", error: UNCERTAIN, attempts: 1 });
  expect(
    telegram.callsOf("sendMessage").filter((c) => String(c.payload.chat_id) === chat.chatId),
  ).toHaveLength(1);
}, 60_000);

test("B: killed before it claimed the message — the retry sends it exactly once", async () => {
  const prefix = `kill-${uid()}`;
  const worker = await startWorkerProcess({
    databaseUrl: await silentDatabaseUrl(),
    prefix,
    apiRoot: telegram.apiRoot,
  });

  const chat = await telegramConversation(db);
  const outbox = outboxOn(prefix);
  const id = await outbox.send(notice(chat.id, "📅 Interviu joi"));
  const queue = new Queue(outboundQueueName("telegram"), { connection: redis, prefix });
  try {
    // The child took the job and is stuck reading the message.
    await eventually(
      async () => (await queue.getJobState(outboundJobId(id))) === "active",
      10_000,
      "job active",
    );
  } finally {
    await queue.close();
  }
  worker.kill("SIGKILL");
  expect(await db.message.findUniqueOrThrow({ where: { id } })).toMatchObject({
    status: "queued",
    attempts: 0,
  });

  takeOver(prefix);
  const row = await settled(db, id, 20_000);
  expect(row).toMatchObject({ status: "sent", attempts: 1 });
  await new Promise((r) => setTimeout(r, 300));
  expect(sentTo(chat.chatId)).toHaveLength(1);
}, 60_000);

test("C: a page killed with messages claimed ahead — the next worker sends those, each chat gets one", async () => {
  const prefix = `kill-${uid()}`;
  const proxy = await holdingProxy();
  const worker = await startWorkerProcess({ databaseUrl: testDatabaseUrl(), prefix, apiRoot: proxy.apiRoot });

  const s = uid();
  const organisation = await db.organisation.create({ data: { slug: `kc-${s}`, name: `Kill C ${s}` } });
  const broadcast = await db.broadcast.create({
    data: { organisationId: organisation.id, segment: {}, texts: { ro: "Atelier CV" }, sendAt: new Date() },
  });
  const to = await Promise.all(Array.from({ length: 12 }, () => telegramConversation(db)));
  const outbox = outboxOn(prefix);
  const rows = await outbox.writeMany(
    db,
    to.map((c) => ({ ...notice(c.id, `Atelier CV (${c.chatId})`), broadcastId: broadcast.id })),
  );
  await outbox.dispatchNew(rows.map((r) => ({ ...r, channel: "telegram" as const })));
  // The page's first send reached Telegram; its answer never comes. The runs after it are claimed.
  await proxy.arrived;
  const key = heldClaimsKey(prefix, "telegram");
  await eventually(async () => (await redis.zcard(key)) > 0, 5000, "messages claimed ahead");
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.kill("SIGKILL");
  await exited;
  // Whatever the worker had already written to Redis is done by now.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const heldAtKill = await redis.zrange(key, 0, -1);
  expect(heldAtKill.length, "the kill landed with messages claimed ahead").toBeGreaterThan(0);
  const claimedAtKill = await db.message.findMany({
    where: { id: { in: heldAtKill.map(BigInt) } },
    select: { status: true },
  });
  expect(claimedAtKill.map((m) => m.status).every((status) => status === "sending")).toBe(true);

  takeOver(prefix);
  const ids = rows.map((r) => r.id);
  const final = await Promise.all(ids.map((id) => settled(db, id, 20_000)));
  await new Promise((r) => setTimeout(r, 300));
  for (const chat of to)
    expect(sentTo(chat.chatId).length, `at most one message for chat ${chat.chatId}`).toBeLessThanOrEqual(1);
  for (const id of heldAtKill) {
    const message = final.find((m) => m.id === BigInt(id));
    expect(message?.status, `message ${id}, held when the worker died, is sent`).toBe("sent");
    const chat = to.find((c) => c.id === message?.conversationId) as { chatId: string };
    expect(sentTo(chat.chatId), `message ${id} arrived once`).toHaveLength(1);
  }
  // The rest: sent by the new worker, or failed as uncertain — those whose request the dead worker
  // sent (delivered: the proxy passed them on) and those it had released for a slot or just
  // claimed when it died (not delivered: a window of one run, as before claims went ahead).
  for (const m of final) expect(m.status === "sent" || m.error === UNCERTAIN, `message ${m.id}`).toBe(true);
  const delivered = final.filter(
    (m) =>
      m.status === "failed" && sentTo(to.find((c) => c.id === m.conversationId)?.chatId ?? "").length === 1,
  );
  expect(delivered.length, "the dead worker's deliveries are the uncertain ones that arrived").toBe(
    proxy.forwarded(),
  );
  expect(await redis.zcard(key), "nothing left held").toBe(0);
}, 60_000);
