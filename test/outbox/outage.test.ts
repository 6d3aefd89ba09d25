/**
 * Outages mid-broadcast (issue 12): Postgres connections cut (pg_terminate_backend on the
 * senders' own backends) and a private Redis killed and restarted empty. The process goes on,
 * nothing is lost and nothing is sent twice: every recipient gets exactly one request, and no
 * promise of the senders' rejects unowned (none reaches the process's unhandledRejection guard).
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { createOutboundSenders, type OutboundSenders } from "../../src/outbox/outbound-senders.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createDb, type Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";
import { type FakeTelegram, startFakeTelegram } from "../support/fake-telegram.ts";
import { testPrefix } from "../support/redis-keys.ts";
import {
  allSettled,
  eventually,
  logger,
  notice,
  telegramConversations,
  telegramSender,
} from "./outbox-harness.ts";

let db: Db;
let telegram: FakeTelegram;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const unowned: unknown[] = [];
const guard = (reason: unknown) => unowned.push(reason);

beforeAll(async () => {
  db = testDb();
  telegram = await startFakeTelegram();
  process.on("unhandledRejection", guard);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  process.off("unhandledRejection", guard);
  await telegram?.close();
  await db?.$disconnect();
});

/** 300 broadcast messages to 300 chats, written for `prefix`; returns their ids and chats. */
async function broadcastOf300(prefix: string) {
  const to = await telegramConversations(db, 300);
  const broadcast = `b-${uid()}`;
  const rows = await createOutbox({ db, queue: prefix }).writeMany(
    db,
    to.map((c) => ({
      ...notice(c.id, "Atelier CV", `broadcast:${broadcast}:${c.id}`),
      broadcastId: broadcast,
    })),
  );
  const chats = new Set(to.map((c) => c.chatId));
  const requests = () => telegram.callsOf("sendMessage").filter((c) => chats.has(String(c.payload.chat_id)));
  return { rows, to, requests };
}

/** Senders on their own connections (named `appName` in pg_stat_activity) and `redis`. */
function startSenders(prefix: string, redis: Redis, appName: string): OutboundSenders {
  const url = new URL(testDatabaseUrl());
  url.searchParams.set("application_name", appName);
  const sql = new pg.Pool({ connectionString: url.toString(), max: 4 });
  sql.on("error", () => undefined);
  const ownDb = createDb(url.toString(), { poolSize: 2 });
  const senders = createOutboundSenders({
    db: ownDb,
    sql,
    redis,
    prefix,
    senders: new Map([
      [
        "telegram",
        telegramSender(telegram.token, telegram.apiRoot, [{ per: "bot", limit: 100, windowMs: 1000 }]),
      ],
    ]),
    logger,
    pollMs: 50,
    // A loop that lost Postgres or Redis tries again after 50 ms, not the default 1 s.
    restMs: 50,
    sendingLeaseSeconds: 2,
  });
  senders.start();
  cleanups.push(async () => {
    await senders.close();
    await sql.end();
    await ownDb.$disconnect();
  });
  return senders;
}

/** Every chat got exactly one request; every message ended sent (or uncertain after a request). */
async function expectOncePerChat(broadcast: Awaited<ReturnType<typeof broadcastOf300>>) {
  const final = await allSettled(
    db,
    broadcast.rows.map((r) => r.id),
    60_000,
  );
  await new Promise((r) => setTimeout(r, 300));
  const count = new Map<string, number>();
  for (const call of broadcast.requests()) {
    const chat = String(call.payload.chat_id);
    count.set(chat, (count.get(chat) ?? 0) + 1);
  }
  const wrong = broadcast.to.filter((c) => count.get(c.chatId) !== 1);
  expect(
    wrong.map((c) => [count.get(c.chatId) ?? 0, final.find((m) => m.conversationId === c.id)?.error]),
  ).toEqual([]);
  expect(final.filter((m) => m.status !== "sent" && !m.error?.startsWith("uncertain"))).toEqual([]);
  expect(unowned.map(String), "rejections nobody handled").toEqual([]);
}

test("Postgres backends terminated twice mid-broadcast: no crash, nothing lost, nothing twice", async () => {
  const prefix = testPrefix();
  const appName = `outage-${uid()}`;
  const redis = createRedis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
  cleanups.push(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const broadcast = await broadcastOf300(prefix);
  startSenders(prefix, redis, appName);
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  cleanups.push(() => admin.end());
  for (const after of [60, 150]) {
    await eventually(async () => broadcast.requests().length >= after, 30_000, `${after} sent`);
    const cut = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [appName],
    );
    expect(cut.rowCount).toBeGreaterThan(0);
  }
  await expectOncePerChat(broadcast);
}, 90_000);

/** A free local port. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of this test's own, keeping nothing on disk. */
async function privateRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const probe = createRedis(`redis://127.0.0.1:${port}`);
  probe.on("error", () => undefined);
  await eventually(async () => (await probe.ping().catch(() => "")) === "PONG", 10_000, "redis up");
  probe.disconnect();
  return child;
}

test("a private Redis killed and restarted empty mid-broadcast: no crash, nothing lost, nothing twice", async () => {
  const prefix = `t-${uid()}`;
  const port = await freePort();
  let server = await privateRedis(port);
  cleanups.push(() => server.kill("SIGKILL"));
  const redis = createRedis(`redis://127.0.0.1:${port}`);
  redis.on("error", () => undefined);
  cleanups.push(() => redis.disconnect());
  const broadcast = await broadcastOf300(prefix);
  startSenders(prefix, redis, `outage-${uid()}`);
  await eventually(async () => broadcast.requests().length >= 60, 30_000, "60 sent");
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGKILL");
  await exited;
  const during = broadcast.requests().length;
  await new Promise((r) => setTimeout(r, 1000));
  server = await privateRedis(port); // empty: the pacer's moments and pauses are gone
  await eventually(async () => broadcast.requests().length > during, 20_000, "resumed");
  await expectOncePerChat(broadcast);
}, 90_000);
