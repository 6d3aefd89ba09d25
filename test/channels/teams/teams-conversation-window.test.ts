/**
 * Teams' per-conversation windows and its per-tenant line, as they reach the connector: the real
 * Teams sender and the real outbox (Postgres, Redis, the pacer) against the fake Bot Framework,
 * which stamps when each activity arrives. Teams allows a conversation 7 in 1 s, 8 in 2 s, 60 in
 * 30 s and 1,800 an hour, and a tenant 50 a second; the first test checks that these are what the
 * app keeps. The others keep the counts and make the windows short: a conversation's half as long
 * (60 in 15 s: one chat's messages go one after the other, 5 to 12 a second on this machine, so 60
 * of them fill 15 s as they would 30 s at Teams' 4 a second), and a tenant's line 5 in 500 ms (two
 * chats then bring more than it allows). Every window is checked on when the messages left (the
 * pacer's records) and when they reached the fake; every message arrives once, in order.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { TEAMS_LIMITS, TEAMS_WAY_MS } from "../../../src/channels/teams/sender.ts";
import { createTeamsChannel } from "../../../src/channels/teams/teams-channel.ts";
import type { ChannelSender, RateLimit } from "../../../src/channels/types.ts";
import { MARGIN_MS } from "../../../src/outbox/pacer.ts";
import type { Db } from "../../../src/store/prisma.ts";
import { createRedis } from "../../../src/store/redis.ts";
import { allSettled, type OutboxRig, startOutbox } from "../../outbox/outbox-harness.ts";
import { testDb, uid } from "../../support/db.ts";
import { TEST_REDIS_URL } from "../../support/env.ts";
import { type FakeBotFramework, startFakeBotFramework } from "../../support/fake-bot-framework.ts";
import { APP_PASSWORD } from "./support.ts";

/** Teams' conversation limits with windows half as long: 7/500 ms, 8/1 s, 60/15 s, 1,800/30 min. */
const CHAT: readonly RateLimit[] = TEAMS_LIMITS.filter((l) => l.per === "conversation").map((l) => ({
  ...l,
  windowMs: l.windowMs / 2,
}));
const TENANT: RateLimit = { per: "tenant", limit: 5, windowMs: 500 };
const PRODUCTION_TENANT = TEAMS_LIMITS.filter((l) => l.per === "tenant");

const appId = randomUUID();
let db: Db;
let redis: Redis;
let fake: FakeBotFramework;
let rig: OutboxRig | undefined;

/** The Teams sender as the app builds it (createTeamsChannel), with `limits` if given. */
function teamsSender(limits?: readonly RateLimit[]): ChannelSender {
  return createTeamsChannel({
    appId,
    appPassword: APP_PASSWORD,
    tenantId: randomUUID(),
    appType: "SingleTenant",
    openIdMetadataUrl: fake.openIdMetadataUrl,
    tokenIssuer: fake.issuer,
    loginUrl: fake.loginUrl,
    db,
    onInbound: async () => {},
    logger: pino({ level: "silent" }),
    ...(limits ? { sender: { limits } } : {}),
  }).sender;
}

beforeAll(async () => {
  db = testDb();
  redis = createRedis(TEST_REDIS_URL);
  fake = await startFakeBotFramework({ appId, appPassword: APP_PASSWORD, tenantId: randomUUID() });
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await fake?.close();
  redis?.disconnect();
  await db?.$disconnect();
});

/** A Teams conversation of `tenantId` as onboarding stores it (its reference included). */
async function teamsConversation(tenantId: string) {
  const conversationId = `a:${randomUUID()}`;
  const row = await db.conversation.create({
    data: {
      channel: "teams",
      externalConversationId: conversationId,
      externalUserId: randomUUID(),
      locale: "en",
      tenantId,
      reference: {
        serviceUrl: fake.serviceUrl,
        channelId: "msteams",
        bot: { id: `28:${appId}`, name: "Bot" },
        user: { id: `29:${randomUUID()}`, name: "Ana" },
        conversation: { id: conversationId, conversationType: "personal", tenantId },
      },
    },
  });
  return { id: row.id, conversationId };
}

/** Queues `n` numbered notices to conversation `id`, one after the other (so in that order). */
async function queue(id: string, n: number, label: string): Promise<bigint[]> {
  if (!rig) throw new Error("no outbox started");
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await rig.outbox.enqueue({
        conversationId: id,
        idempotencyKey: `teams-window:${uid()}`,
        kind: "notice",
        message: { text: `${label} ${i}`, locale: "en", direction: "ltr" },
      }),
    );
  }
  return ids;
}

/** An outbox over the Teams sender with `limits`, its bot token fetched (so no send waits for it). */
async function start(limits: readonly RateLimit[]) {
  rig = startOutbox({ db, redis, sender: teamsSender(limits) });
  const warm = await teamsConversation(`tenant-${uid()}`);
  await allSettled(db, await queue(warm.id, 1, "warm"));
}

/** The most arrivals any window of `windowMs` holds (a window starting at each arrival). */
function mostInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] as number) - (sorted[i] as number) < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/**
 * When each message to `conversationId` left, as the pacer recorded it (Redis time, ms), in order:
 * the members of the conversation's hour window, the fourth of CHAT.
 */
async function departures(conversationId: string): Promise<number[]> {
  const key = `${rig?.prefix}:pace:teams:chat:${conversationId}:3`;
  const members = await redis.zrange(key, 0, -1, "WITHSCORES");
  return members.filter((_, i) => i % 2 === 1).map((score) => Number(score) / 1000);
}

/** How much the way from `go` to Teams may vary: the pacer's margin (25 ms) and the channel's (100 ms). */
const WAY_COVERED_MS = 125;

/**
 * The window to count arrivals in: the whole window while the way from `go` to the fake varied by
 * no more than WAY_COVERED_MS, else shorter by what exceeds it. The fake shares this process and
 * its cores with the senders; on a loaded machine it stamps some requests 100–250 ms late, which
 * Teams' own servers would not.
 */
function byTheWay(arrived: readonly number[], left: readonly number[]) {
  const way = arrived.map((t, i) => t - (left[i] as number));
  const excess = Math.max(0, Math.max(...way) - Math.min(...way) - WAY_COVERED_MS);
  return (windowMs: number) => windowMs - excess;
}

/** What reached the fake in `conversationId`: texts and arrival times, in arrival order. */
function arrivals(conversationId: string) {
  const sent = fake.sent.filter((s) => s.conversationId === conversationId);
  return { texts: sent.map((s) => s.activity.text as string), times: sent.map((s) => s.at) };
}

test("the app's Teams limits are the documented ones: per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/h; per tenant 50/s", () => {
  expect(TEAMS_LIMITS).toEqual([
    { per: "conversation", limit: 7, windowMs: 1000 },
    { per: "conversation", limit: 8, windowMs: 2000 },
    { per: "conversation", limit: 60, windowMs: 30_000 },
    { per: "conversation", limit: 1800, windowMs: 3_600_000 },
    { per: "tenant", limit: 50, windowMs: 1000 },
  ]);
  // The app builds its Teams channel without limits (src/app/channels.ts): it keeps these, each
  // window 100 ms longer for the request's way to Teams.
  expect(MARGIN_MS + TEAMS_WAY_MS).toBe(WAY_COVERED_MS);
  expect(teamsSender().limits).toEqual(
    TEAMS_LIMITS.map((l) => ({ ...l, windowMs: l.windowMs + TEAMS_WAY_MS })),
  );
});

test("64 messages to one conversation at once: no window holds more than its limit at the connector, each arrives once, in order", async () => {
  await start([...CHAT, ...PRODUCTION_TENANT]);
  const chat = await teamsConversation(`tenant-${uid()}`);
  const ids = await queue(chat.id, 64, "Workshop");
  const rows = await allSettled(db, ids, 30_000);
  expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);

  const { texts, times } = arrivals(chat.conversationId);
  expect(texts).toEqual(Array.from({ length: 64 }, (_, i) => `Workshop ${i}`));
  const left = await departures(chat.id);
  const within = byTheWay(times, left);
  // Never more than 60 within any window of 60 (15 s here, 30 s in Teams), when they left and
  // when they reached the connector; nor more than 7 or 8 in the short windows.
  for (const { limit, windowMs } of CHAT.slice(0, 3)) {
    expect(mostInWindow(left, windowMs), `left within ${windowMs} ms`).toBeLessThanOrEqual(limit);
    expect(mostInWindow(times, within(windowMs)), `arrived within ${windowMs} ms`).toBeLessThanOrEqual(limit);
  }
  // Spread, not merely slowed: the 61st waited for the first to leave the 60-message window.
  expect((left[60] as number) - (left[0] as number)).toBeGreaterThanOrEqual(15_000);
  // The 60 before it went faster than that: the window of 60 is what held the 61st back.
  expect((left[59] as number) - (left[0] as number)).toBeLessThan(14_000);
}, 40_000);

test("two conversations of one tenant together keep the tenant's line, each arriving once, in order", async () => {
  await start([...CHAT, TENANT]);
  const tenant = `tenant-${uid()}`;
  // One conversation alone goes faster than the tenant's 10 a second here; two, twice as fast.
  const [a, b] = [await teamsConversation(tenant), await teamsConversation(tenant)] as const;
  const [idsA, idsB] = await Promise.all([queue(a.id, 15, "A"), queue(b.id, 15, "B")]);
  const rows = await allSettled(db, [...idsA, ...idsB], 20_000);
  expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);

  const [fromA, fromB] = [arrivals(a.conversationId), arrivals(b.conversationId)];
  expect(fromA.texts).toEqual(Array.from({ length: 15 }, (_, i) => `A ${i}`));
  expect(fromB.texts).toEqual(Array.from({ length: 15 }, (_, i) => `B ${i}`));
  const both = [...fromA.times, ...fromB.times];
  const left = [...(await departures(a.id)), ...(await departures(b.id))];
  expect(mostInWindow(left, TENANT.windowMs)).toBeLessThanOrEqual(TENANT.limit);
  expect(mostInWindow(both, byTheWay(both, left)(TENANT.windowMs))).toBeLessThanOrEqual(TENANT.limit);
  // Both conversations went at the same time (the tenant line was shared, not taken in turn).
  expect(Math.min(...fromB.times)).toBeLessThan(Math.max(...fromA.times));
  expect(Math.min(...fromA.times)).toBeLessThan(Math.max(...fromB.times));
  // Five windows of 500 ms passed before the 26th of the tenant's messages.
  const sorted = both.sort((x, y) => x - y);
  expect((sorted[25] as number) - (sorted[0] as number)).toBeGreaterThanOrEqual(5 * TENANT.windowMs);
}, 40_000);
