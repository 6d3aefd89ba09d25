/**
 * The send pacer (src/outbox/send-pacer.ts) against the real Redis: slots are spaced so that no
 * sliding second holds more than the rate, every process shares one slot line, a chat's gap is
 * taken in the same call, and with paid broadcasts only bulk messages go above the free rate.
 */
import { afterAll, describe, expect, test } from "vitest";
import { createHeldClaims } from "../../src/outbox/held-claims.ts";
import {
  createSendPacer,
  JITTER_MS,
  LATE_HORIZON_MS,
  lateBudget,
  onTimeMs,
  slotInterval,
} from "../../src/outbox/send-pacer.ts";
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

describe("reserveRun and pause", () => {
  const other = createRedis(TEST_REDIS_URL);
  afterAll(() => other.disconnect());
  const gapKeys = (n: number) => {
    const s = uid();
    return Array.from({ length: n }, (_, i) => `t-${s}:chat-gap:c${i}`);
  };

  test("a run over 5 free chats takes all 5 and reserves 5 consecutive slots from now", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const keys = gapKeys(5);
    const before = await redisNow();
    const localBefore = Date.now();
    const run = await pacer.reserveRun(keys, 1000);
    const localAfter = Date.now();
    const after = await redisNow();
    expect(run.taken).toEqual([true, true, true, true, true]);
    expect(run.intervalMs).toBe(slotInterval(200) / 1000);
    // A fresh line: the first slot is now.
    expect(run.startsAt).toBeGreaterThanOrEqual(localBefore - 1);
    expect(run.startsAt).toBeLessThanOrEqual(localAfter + 1);
    const line = await nextSlot(key);
    expect(line).toBeGreaterThanOrEqual(before + 5 * slotInterval(200));
    expect(line).toBeLessThanOrEqual(after + 5 * slotInterval(200));
    // Each chat's gap runs from its own slot: the k-th slot comes k intervals after the first.
    for (const [k, gap] of keys.entries()) {
      const ttl = await redis.pttl(gap);
      const fromSlot = Math.ceil((k * slotInterval(200)) / 1000);
      expect(ttl, gap).toBeGreaterThan(900 + fromSlot - 1);
      expect(ttl, gap).toBeLessThanOrEqual(1000 + fromSlot);
    }
  });

  test("a chat's gap runs from the slot, not from the reservation: a line 500 ms ahead makes it last 1.5 s", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    await pacer.pause(500);
    const [runGap] = gapKeys(1) as [string];
    await pacer.reserveRun([runGap], 1000);
    expect(await redis.pttl(runGap), "reserveRun").toBeGreaterThan(1400);
    const single = `t-${uid()}:chat-gap:single`;
    expect(await pacer.waitWithGap(true, single, 1000)).toBe(true);
    // The wait for the slot is over: the message goes now, and the chat's gap still has ~1 s.
    expect(await redis.pttl(single), "waitWithGap, once its slot came").toBeGreaterThan(900);
  });

  test("with a held set: held messages are released as their chats are taken; one no longer held is gone, one whose chat is busy stays held", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const held = createHeldClaims(redis, `t-${uid()}:held:telegram`);
    const keys = gapKeys(4);
    const ids = [11n, 12n, 13n, 14n];
    const epoch = await held.hold(ids);
    // 12 was taken over by someone else (a single job); chat 3's gap is taken (an earlier message).
    expect(await held.take([12n])).toEqual([12n]);
    await redis.set(keys[2] as string, "earlier", "PX", 5000);
    const before = await redisNow();
    const release = { key: held.key, epochKey: held.epochKey, epoch, ids: ids.map(String) };
    const run = await pacer.reserveRun(keys, 1000, release);
    const after = await redisNow();
    expect(run.taken, "taken: the held messages of free chats").toEqual([true, false, false, true]);
    expect(run.gone, "gone: the message no longer held").toEqual([false, true, false, false]);
    expect(await redis.zrange(held.key, 0, -1), "only the busy chat's message is still held").toEqual(["13"]);
    expect(await redis.exists(keys[1] as string), "the gone message's chat gap is not taken").toBe(0);
    const line = await nextSlot(key);
    expect(line, "2 slots: one per chat taken").toBeGreaterThanOrEqual(before + 2 * slotInterval(200));
    expect(line).toBeLessThanOrEqual(after + 2 * slotInterval(200));
    expect(run.heldLost).toBe(false);
    // Released messages belong to the page: nobody else can take them over.
    expect(await held.take(ids)).toEqual([13n]);
  });

  test("a held set lost since the page held its messages (Redis restarted): they are all the page's", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const held = createHeldClaims(redis, `t-${uid()}:held:telegram`);
    const keys = gapKeys(3);
    const ids = [21n, 22n, 23n];
    const epoch = await held.hold(ids);
    // Redis loses everything; meanwhile another page holds messages of its own: a new epoch.
    await redis.del(held.key, held.epochKey);
    const otherEpoch = await held.hold([99n]);
    expect(otherEpoch, "a new set, a new epoch").not.toBe(epoch);
    expect(await held.take([21n]), "nobody else can take a message of the lost set").toEqual([]);
    await redis.set(keys[1] as string, "earlier", "PX", 5000);
    const run = await pacer.reserveRun(keys, 1000, {
      key: held.key,
      epochKey: held.epochKey,
      epoch,
      ids: ids.map(String),
    });
    expect(run.heldLost).toBe(true);
    expect(run.taken, "free chats are taken though their messages are in no set").toEqual([
      true,
      false,
      true,
    ]);
    expect(run.gone).toEqual([false, false, false]);
    expect(await held.take([23n], epoch), "and the page may take back what it held").toEqual([23n]);
    expect(await redis.zrange(held.key, 0, -1), "the other page's message is untouched").toEqual(["99"]);
  });

  test("a chat whose gap is taken is not taken again and gets no slot", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const keys = gapKeys(5);
    await redis.set(keys[2] as string, "earlier", "PX", 5000);
    const before = await redisNow();
    const run = await pacer.reserveRun(keys, 1000);
    const after = await redisNow();
    expect(run.taken).toEqual([true, true, false, true, true]);
    const line = await nextSlot(key);
    expect(line, "4 slots, not 5").toBeGreaterThanOrEqual(before + 4 * slotInterval(200));
    expect(line).toBeLessThanOrEqual(after + 4 * slotInterval(200));
    expect(await redis.get(keys[2] as string), "the taken gap is left as it was").toBe("earlier");
    expect(await redis.pttl(keys[2] as string)).toBeGreaterThan(4000);

    // Every chat busy: nothing reserved at all.
    const again = await pacer.reserveRun(keys, 1000);
    expect(again.taken).toEqual([false, false, false, false, false]);
    expect(await nextSlot(key)).toBe(line);
  });

  test("two pacers (two connections) on one line get runs that do not overlap", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const a = createSendPacer({ redis, key, perSecond: 200 });
    const b = createSendPacer({ redis: other, key, perSecond: 200 });
    const n = 10;
    const interval = slotInterval(200) / 1000;
    const before = await redisNow();
    const localBefore = Date.now();
    const [runA, runB] = await Promise.all([a.reserveRun(gapKeys(n), 1000), b.reserveRun(gapKeys(n), 1000)]);
    const localAfter = Date.now();
    const after = await redisNow();
    expect(runA.taken.every(Boolean)).toBe(true);
    expect(runB.taken.every(Boolean)).toBe(true);
    // In Redis: one line, advanced by both runs.
    const line = await nextSlot(key);
    expect(line).toBeGreaterThanOrEqual(before + 2 * n * slotInterval(200));
    expect(line).toBeLessThanOrEqual(after + 2 * n * slotInterval(200));
    // startsAt is this process's clock when the answer came plus the wait: it may be off by as
    // long as the two calls took.
    const slack = localAfter - localBefore + 2;
    const [first, second] = runA.startsAt <= runB.startsAt ? [runA, runB] : [runB, runA];
    expect(second.startsAt).toBeGreaterThanOrEqual(first.startsAt + n * interval - slack);
    expect(second.startsAt).toBeLessThanOrEqual(first.startsAt + n * interval + slack);
    // A third run follows both.
    const third = await a.reserveRun(gapKeys(3), 1000);
    expect(third.startsAt).toBeGreaterThanOrEqual(second.startsAt + n * interval - slack);
  });

  test("pause(1500): no slot on the line before 1.5 s from now, for reserve and reserveRun", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const localBefore = Date.now();
    const before = await redisNow();
    await pacer.pause(1500);
    const after = await redisNow();
    const line = await nextSlot(key);
    expect(line).toBeGreaterThanOrEqual(before + 1_500_000);
    expect(line).toBeLessThanOrEqual(after + 1_500_000);
    expect(await redis.exists(`${key}:free`), "no free line without paid broadcasts").toBe(0);

    const slot = await pacer.reserve(true);
    expect(slot).toBeGreaterThanOrEqual(localBefore + 1500 - 1);
    expect(slot).toBeLessThanOrEqual(Date.now() + 1500 + 1);
    const run = await pacer.reserveRun(gapKeys(3), 1000);
    expect(run.taken).toEqual([true, true, true]);
    expect(run.startsAt, "the run comes after the paused slot").toBeGreaterThanOrEqual(
      localBefore + 1500 + slotInterval(200) / 1000 - 1,
    );
  });

  test("pause never pulls a line back that is already further ahead", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 200 });
    const keys = Array.from({ length: 400 }, (_, i) => `t-${uid()}:chat-gap:${i}`);
    await pacer.reserveRun(keys, 1000); // ~2 s of slots
    const ahead = await nextSlot(key);
    await pacer.pause(1500);
    expect(await nextSlot(key)).toBe(ahead);
  });

  test("with paid broadcasts, pause pushes both the paid line and the free line", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    const localBefore = Date.now();
    const before = await redisNow();
    await pacer.pause(1500);
    const after = await redisNow();
    for (const line of [key, `${key}:free`]) {
      const tat = await nextSlot(line);
      expect(tat, line).toBeGreaterThanOrEqual(before + 1_500_000);
      expect(tat, line).toBeLessThanOrEqual(after + 1_500_000);
      const ttl = await redis.pttl(line);
      expect(ttl, `${line} expires after the pause`).toBeGreaterThan(1500);
    }
    const [bulk, free] = await Promise.all([pacer.reserve(true), pacer.reserve(false)]);
    expect(bulk).toBeGreaterThanOrEqual(localBefore + 1500 - 1);
    expect(free, "a message that is not bulk also waits out the pause").toBeGreaterThanOrEqual(
      localBefore + 1500 - 1,
    );
    // A broadcast's run goes on the paid line, at the paid interval.
    const run = await pacer.reserveRun(gapKeys(2), 1000);
    expect(run.intervalMs).toBe(slotInterval(1000) / 1000);
    expect(run.startsAt).toBeGreaterThanOrEqual(localBefore + 1500);
  });
});

describe("late sends", () => {
  test("the sender's share of the margin leaves two thirds of it for the way to the platform", () => {
    for (let rate = 2; rate <= 1000; rate++) {
      const interval = slotInterval(rate) / 1000;
      const spare = rate - (Math.floor(1000 / interval) + 1);
      // At most this many sends can be overdue at once: the budget, plus those within onTimeMs.
      const senderShare = lateBudget(rate) + Math.ceil(onTimeMs(rate) / interval);
      if (lateBudget(rate) > 0) expect(senderShare, `rate ${rate}`).toBeLessThanOrEqual(spare / 3);
    }
    expect(lateBudget(1000)).toBe(6);
    expect(lateBudget(30), "at 30/s the margin holds no late sends beyond onTimeMs").toBe(0);
    expect(onTimeMs(1000)).toBeCloseTo((2 * slotInterval(1000)) / 1000);
    expect(onTimeMs(30), "at most 8 ms").toBe(8);
  });

  test("at 1,000/s, 6 sends late at once go and the 7th takes a new slot, across processes", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const a = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    const b = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    const first = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).sendLate(200)));
    expect(first, "within the budget").toEqual(Array(6).fill(true));
    expect(await a.sendLate(200), "a 7th overdue at the same time").toBe(false);
    expect(await b.sendLate(50), "less late, but overdue while the 6 were").toBe(false);
    expect(await redis.zcard(`${key}:late`), "only what went is recorded").toBe(6);
    expect(await redis.pttl(`${key}:late`)).toBeGreaterThan(LATE_HORIZON_MS);
    // Once those have gone (their overdue time has ended), a send late for a short while goes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await a.sendLate(3), "its lateness overlaps none of theirs").toBe(true);
  });

  test("sends late one after another, each overlapping only the previous, all go", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const pacer = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    for (let i = 0; i < 15; i++) {
      expect(await pacer.sendLate(3), `send ${i}`).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  test("with no budget (30/s) or past the horizon, a late send takes a new slot and nothing is kept", async () => {
    const key = `t-${uid()}:pace:telegram`;
    const free = createSendPacer({ redis, key, perSecond: 30 });
    expect(await free.sendLate(20)).toBe(false);
    const paid = createSendPacer({ redis, key, perSecond: 30, paidPerSecond: 1000 });
    expect(await paid.sendLate(LATE_HORIZON_MS + 1)).toBe(false);
    expect(await redis.exists(`${key}:late`)).toBe(0);
  });
});
