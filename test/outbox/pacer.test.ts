/**
 * The pacer against the real Redis: what it reserves, read from the moments it hands out (no test
 * waits for them, so none depends on the machine's speed). Each test has a prefix of its own and
 * removes its keys.
 */
import { afterAll, afterEach, expect, test } from "vitest";
import { TELEGRAM_CHAT_BURST, TELEGRAM_LIMITS } from "../../src/channels/telegram/sender.ts";
import type { RateLimit } from "../../src/channels/types.ts";
import { createPacer, MARGIN_MS, type Reservation } from "../../src/outbox/pacer.ts";
import { createRedis } from "../../src/store/redis.ts";
import { TEST_REDIS_URL } from "../support/env.ts";
import { testPrefix } from "../support/redis-keys.ts";
import { removeKeys } from "./outbox-harness.ts";

const redis = createRedis(TEST_REDIS_URL);
const other = createRedis(TEST_REDIS_URL);
const prefixes: string[] = [];
const fresh = () => {
  const prefix = testPrefix();
  prefixes.push(prefix);
  return prefix;
};
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await removeKeys(redis, prefix);
});
afterAll(() => {
  redis.disconnect();
  other.disconnect();
});

const TELEGRAM: RateLimit[] = [
  { per: "bot", limit: 30, windowMs: 1000 },
  { per: "conversation", limit: 1, windowMs: 1000 },
];

/** The moment a reservation gave (ms of Redis time). */
const momentOf = (r: Reservation) => {
  if (!r.reserved) throw new Error("not reserved");
  return r.at;
};

/** The most moments within any `windowMs`. */
const mostWithin = (moments: number[], windowMs: number) => {
  const sorted = [...moments].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
};

test("90 messages to 90 chats from two processes share one line: never 31 in a second, 30/s on average", async () => {
  const prefix = fresh();
  const pacers = [
    createPacer(redis, prefix, "telegram", TELEGRAM),
    createPacer(other, prefix, "telegram", TELEGRAM),
  ];
  // All at once, as many senders ask: Redis runs them one after the other, each a moment later.
  const got = await Promise.all(
    Array.from({ length: 90 }, (_, i) =>
      (pacers[i % 2] as (typeof pacers)[number]).reserve(`chat-${i}`, undefined, 10_000),
    ),
  );
  const moments = got.map(momentOf);
  // Moments are 33 ms apart, and any 30 of them span a second and the margin, however slow the
  // calls were: they are read from the reservations, not from this process's clock.
  expect(mostWithin(moments, 1000 + MARGIN_MS)).toBeLessThanOrEqual(30);
  const span = Math.max(...moments) - Math.min(...moments);
  expect(89 / (span / 1000)).toBeGreaterThan(28.5);
});

test("a busy chat reserves nothing: the line's next moment goes to the next chat", async () => {
  const prefix = fresh();
  const pacer = createPacer(redis, prefix, "telegram", TELEGRAM);
  const first = await pacer.reserve("a", undefined, 10_000);
  const again = await pacer.reserve("a", undefined, 10_000);
  expect(first).toMatchObject({ reserved: true });
  expect(again.reserved).toBe(false);
  if (!again.reserved) {
    expect(again.full).toBe(false);
    expect(again.busyMs).toBeGreaterThan(900);
    expect(again.busyMs).toBeLessThanOrEqual(1000 + MARGIN_MS);
  }
  const next = await pacer.reserve("b", undefined, 10_000);
  expect(next.reserved && next.waitMs).toBeLessThanOrEqual(40);
});

test("Telegram's own limits: a turn's three replies to one chat go at once, the fourth waits for the chat's window", async () => {
  const prefix = fresh();
  const pacer = createPacer(redis, prefix, "telegram", TELEGRAM_LIMITS);
  const got: Reservation[] = [];
  for (let i = 0; i <= TELEGRAM_CHAT_BURST; i++) got.push(await pacer.reserve("chat", undefined, 10_000));
  // The burst waits only for the bot's line (33 ms apart), not for the chat's second.
  for (const r of got.slice(0, TELEGRAM_CHAT_BURST)) expect(r.reserved && r.waitMs).toBeLessThanOrEqual(120);
  const fourth = got[TELEGRAM_CHAT_BURST] as Reservation;
  expect(fourth.reserved).toBe(false);
  if (!fourth.reserved) expect(fourth.busyMs).toBeGreaterThan(TELEGRAM_CHAT_BURST * 1000 - 500);
});

test("Teams-like limits: 7 a second and 8 in 2 s per conversation, 50/s per tenant, each tenant its own line", async () => {
  const prefix = fresh();
  const teams: RateLimit[] = [
    { per: "conversation", limit: 7, windowMs: 1000 },
    { per: "conversation", limit: 8, windowMs: 2000 },
    { per: "tenant", limit: 50, windowMs: 1000 },
  ];
  const pacer = createPacer(redis, prefix, "teams", teams);
  const got: Reservation[] = [];
  for (let i = 0; i < 9; i++) got.push(await pacer.reserve("conv", "tenant-a", 10_000));
  // Seven go within the second (20 ms apart on the tenant's line), then the chat is busy.
  expect(got.slice(0, 7).every((r) => r.reserved)).toBe(true);
  expect(got[7]?.reserved).toBe(false);
  const busy = got[7] as Extract<Reservation, { reserved: false }>;
  expect(busy.busyMs).toBeGreaterThan(800);
  // Another tenant's line is free.
  expect(await pacer.reserve("conv-2", "tenant-b", 10_000)).toMatchObject({ reserved: true, waitMs: 0 });
});

test("a line full beyond the horizon reserves nothing and says how long", async () => {
  const prefix = fresh();
  const pacer = createPacer(redis, prefix, "telegram", [{ per: "bot", limit: 2, windowMs: 1000 }]);
  for (let i = 0; i < 4; i++) await pacer.reserve(`c${i}`, undefined, 10_000);
  const late = await pacer.reserve("late", undefined, 500);
  expect(late.reserved).toBe(false);
  if (!late.reserved) {
    expect(late.full).toBe(true);
    expect(late.busyMs).toBeGreaterThan(1000);
  }
  // Nothing was reserved for "late": the line holds the four moments to come.
  expect(await redis.zcard(`${prefix}:pace:telegram:bot:0`)).toBe(4);
});

test("pause(1500): in any process, no moment before 1.5 s from now, and a moment reserved before it does not go", async () => {
  const prefix = fresh();
  const here = createPacer(redis, prefix, "telegram", TELEGRAM);
  const there = createPacer(other, prefix, "telegram", TELEGRAM);
  const before = await there.reserve("y", undefined, 10_000);
  await here.pause(1500);
  const stopped = await there.go("y", undefined, before.reserved ? before.member : "", true);
  expect(stopped.paused).toBe(true);
  expect(stopped.waitMs).toBeGreaterThan(1400);
  const r = await there.reserve("x", undefined, 10_000);
  expect(r.reserved && r.waitMs).toBeGreaterThanOrEqual(1400);
  // A shorter pause never pulls a longer one back.
  await there.pause(100);
  expect((await there.go("x", undefined, r.reserved ? r.member : "", false)).waitMs).toBeGreaterThan(1300);
});

test("right before a send, every window is counted from when messages really left: one that left late holds back the next", async () => {
  const prefix = fresh();
  const window = 300;
  const pacer = createPacer(redis, prefix, "telegram", [{ per: "bot", limit: 2, windowMs: window }]);
  const reserved = [];
  for (const chat of ["a", "b", "c"]) reserved.push(await pacer.reserve(chat, undefined, 10_000));
  const [a, b, c] = reserved.map((r) => {
    if (!r.reserved) throw new Error("not reserved");
    return r;
  }) as [
    Reservation & { reserved: true },
    Reservation & { reserved: true },
    Reservation & { reserved: true },
  ];
  // The first moment is now, the second half a window later, the third a window (and margin) after the first.
  expect(c.at - a.at).toBeGreaterThanOrEqual(window + MARGIN_MS - 1);
  // a leaves 100 ms late, b on time.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await pacer.go("a", undefined, a.member, true)).toEqual({ waitMs: 0, paused: false });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, b.at - Date.now())));
  expect((await pacer.go("b", undefined, b.member, true)).waitMs).toBe(0);
  const key = `${prefix}:pace:telegram:bot:0`;
  const leftA = Number(await redis.zscore(key, a.member));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, c.at - Date.now())));
  // At c's moment, a and b left within the last window (and margin): c waits until a's send is
  // that old, read from Redis' clock, not this process's.
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1e6 + Number(micros);
  const go = await pacer.go("c", undefined, c.member, true);
  if (now < leftA + (window + MARGIN_MS) * 1000 - 2000) {
    expect(go.paused).toBe(false);
    expect(go.waitMs).toBeGreaterThan(0);
    expect(go.waitMs).toBeLessThanOrEqual(Math.ceil((leftA + (window + MARGIN_MS) * 1000 - now) / 1000) + 1);
  }
  await new Promise((resolve) => setTimeout(resolve, go.waitMs));
  expect((await pacer.go("c", undefined, c.member, true)).waitMs).toBe(0);
});

test("a moment given back (its message was not taken) holds back no other: the next reservation gets it", async () => {
  const prefix = fresh();
  const pacer = createPacer(redis, prefix, "telegram", [{ per: "bot", limit: 2, windowMs: 1000 }]);
  const first = momentOf(await pacer.reserve("chat-a", undefined, 10_000));
  const second = await pacer.reserve("chat-b", undefined, 10_000);
  if (!second.reserved) throw new Error("not reserved");
  // The line is 500 ms apart: without the second given back the third would come 1 s after the first.
  await pacer.cancel("chat-b", undefined, second.member);
  const third = momentOf(await pacer.reserve("chat-c", undefined, 10_000));
  expect(third - first).toBeGreaterThanOrEqual(499);
  expect(third - first).toBeLessThan(600);
  expect(await redis.zcard(`${prefix}:pace:telegram:bot:0`)).toBe(2);
});
