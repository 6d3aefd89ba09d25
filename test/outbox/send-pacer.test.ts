/**
 * The send pacer (src/outbox/send-pacer.ts) against the real Redis: slots are spaced so that no
 * sliding second holds more than the rate, every process shares one slot line, a chat's gap is
 * taken in the same call, and with paid broadcasts only bulk messages go above the free rate.
 */
import { afterAll, describe, expect, test } from "vitest";
import { createSendPacer, JITTER_MS, slotInterval } from "../../src/outbox/send-pacer.ts";
import { createRedis } from "../../src/store/redis.ts";
import { uid } from "../support/db.ts";
import { TEST_REDIS_URL } from "../support/env.ts";

const redis = createRedis(TEST_REDIS_URL);
afterAll(() => redis.disconnect());

/** The slot line's next free time, in µs (Redis TIME scale). */
const nextSlot = async (key: string) => Number(await redis.get(key));
const redisNow = async () => {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1_000_000 + Number(micros);
};

describe("slotInterval", () => {
  test("for every rate from 2 to 1,000 a second of slots, jitter included, holds at most the rate", () => {
    for (let rate = 2; rate <= 1000; rate++) {
      const interval = slotInterval(rate) / 1000; // ms
      const mostInAWindow = Math.floor((1000 + JITTER_MS) / interval) + 1;
      expect(mostInAWindow, `rate ${rate}`).toBeLessThanOrEqual(rate);
    }
    expect(1_000_000 / slotInterval(30)).toBeGreaterThan(28);
    expect(1_000_000 / slotInterval(1000)).toBeGreaterThan(970);
  });
});

describe("createSendPacer", () => {
  test("60 sends at 200/s reserve 60 consecutive slots on one line shared by two pacers", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const a = createSendPacer({ redis, key, perSecond: 200 });
    const b = createSendPacer({ redis, key, perSecond: 200 });
    const start = await redisNow();
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).wait(true)));
    const spread = (await nextSlot(key)) - start;
    // 60 slots of slotInterval(200) µs each, give or take the time the calls took to arrive.
    expect(spread).toBeGreaterThanOrEqual(60 * slotInterval(200));
    expect(spread).toBeLessThan(60 * slotInterval(200) + 200_000);
  });

  test("a chat's gap is taken with the slot: a second message to that chat gets no slot", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 30 });
    const gap = `t-${uid()}:chat-gap:c1`;
    expect(await pacer.waitWithGap(true, gap, 1000)).toBe(true);
    const before = await nextSlot(key);
    expect(await pacer.waitWithGap(true, gap, 1000)).toBe(false);
    expect(await nextSlot(key), "no slot reserved when the gap is taken").toBe(before);
    expect(await redis.pttl(gap)).toBeGreaterThan(0);
  });

  test("paid broadcasts: bulk messages use the paid line only; others also keep to the free rate", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    await Promise.all(Array.from({ length: 20 }, () => pacer.wait(true)));
    expect(await redis.exists(`${key}:free`), "bulk never touches the free line").toBe(0);
    const start = await redisNow();
    await pacer.wait(false);
    await pacer.wait(false);
    const freeSpread = (await nextSlot(`${key}:free`)) - start;
    expect(freeSpread).toBeGreaterThanOrEqual(2 * slotInterval(30) - 5_000);
  });
});
