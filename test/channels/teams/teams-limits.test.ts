/**
 * Teams' limits and the connector's retries, through the real app's outbox and the fake Bot
 * Framework: the per-tenant line (50/s) spaces one tenant's messages (each tenant is a line of its
 * own: test/outbox/pacer.test.ts), the
 * per-hour limit of a conversation is kept in the pacer's shared state, and the connector client
 * never calls Teams again by itself (a lost answer ends `uncertain`, never a second copy; each
 * platform call is one attempt the outbox counted).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TEAMS_LIMITS, withWayMargin } from "../../../src/channels/teams/sender.ts";
import { createPacer } from "../../../src/outbox/pacer.ts";
import { uid } from "../../support/db.ts";
import { startTeamsTestBed, type TeamsTestBed } from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  // The 503 test's retry after 50 ms, not the default 1 s: the attempt is counted all the same.
  bed = await startTeamsTestBed({ workers: true, env: { OUTBOUND_RETRY_MS: "50" } });
});
afterAll(() => bed?.close());

/** A Teams conversation of `tenantId` as onboarding stores it (its reference included). */
async function teamsConversation(tenantId: string) {
  const conversationId = `a:${randomUUID()}`;
  const row = await bed.app.db.conversation.create({
    data: {
      channel: "teams",
      externalConversationId: conversationId,
      externalUserId: randomUUID(),
      locale: "en",
      tenantId,
      reference: {
        serviceUrl: bed.fake.serviceUrl,
        channelId: "msteams",
        bot: { id: `28:${bed.appId}`, name: "Bot" },
        user: { id: `29:${randomUUID()}`, name: "Ana" },
        conversation: { id: conversationId, conversationType: "personal", tenantId },
      },
    },
  });
  return { id: row.id, conversationId };
}

const send = (conversationId: string, text: string) =>
  bed.app.outbox.enqueue({
    conversationId,
    idempotencyKey: `teams-limits:${uid()}`,
    kind: "notice",
    message: { text, locale: "en", direction: "ltr" },
  });

async function settled(id: bigint, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await bed.app.db.message.findUniqueOrThrow({ where: { id } });
    if (row.status === "sent" || row.status === "failed") return row;
    if (Date.now() > deadline) throw new Error(`message ${id} not settled within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("per tenant: 60 messages to one tenant's conversations keep to 50 a second", async () => {
  const busy = `tenant-${uid()}`;
  const chats = await Promise.all(Array.from({ length: 60 }, () => teamsConversation(busy)));
  const ids = await Promise.all(chats.map((c) => send(c.id, "Job fair on Thursday")));
  await Promise.all(ids.map((id) => settled(id, 30_000)));

  const arrivals = (conversationId: string) =>
    bed.fake.sent.filter((a) => a.conversationId === conversationId).map((a) => a.at);
  const times = chats.flatMap((c) => arrivals(c.conversationId)).sort((a, b) => a - b);
  expect(times).toHaveLength(60);
  // A lower bound only (a slow machine spreads them more): the 51st left a second after the first,
  // less the first request's way to the fake.
  expect((times[50] as number) - (times[0] as number)).toBeGreaterThanOrEqual(900);
}, 60_000);

test("per conversation and hour: with 1,800 sent in the last hour, no moment is given until the oldest is an hour old", async () => {
  // The pacer all processes share, as the app's outbox builds it for Teams (the same prefix).
  const pacer = createPacer(bed.app.redis, bed.app.config.QUEUE_PREFIX, "teams", withWayMargin(TEAMS_LIMITS));
  const conversation = `conv-${uid()}`;
  expect(await pacer.reserve(conversation, "tenant-h", 10_000)).toMatchObject({ reserved: true });
  // 1,799 more in the last ten minutes, written where the hour's window keeps them.
  // The pacer keeps one set per limit, numbered as the channel lists its limits.
  const hourly = TEAMS_LIMITS.findIndex((l) => l.per === "conversation" && l.limit === 1800);
  const key = `${bed.app.config.QUEUE_PREFIX}:pace:teams:chat:${conversation}:${hourly}`;
  expect(await bed.app.redis.zcard(key)).toBe(1);
  const [seconds] = await bed.app.redis.time();
  const tenMinutesAgo = (Number(seconds) - 600) * 1_000_000;
  const members = Array.from({ length: 1799 }, (_, i) => [tenMinutesAgo + i, `seeded-${i}`]).flat();
  await bed.app.redis.zadd(key, ...(members as (string | number)[]));
  const next = await pacer.reserve(conversation, "tenant-h", 10_000);
  expect(next.reserved).toBe(false);
  // The oldest of the last 1,800 is ten minutes old: fifty minutes to wait.
  if (!next.reserved) expect(next.busyMs).toBeGreaterThan(49 * 60_000);
  await bed.app.redis.del(key);
});

test("the connector client does not retry: a 503 is one of the outbox's attempts, then one copy", async () => {
  const chat = await teamsConversation(`tenant-${uid()}`);
  bed.fake.failNext({ status: 503, body: {}, conversationId: chat.conversationId });
  const id = await send(chat.id, "Interview tomorrow");
  const row = await settled(id);
  const calls = bed.fake.attempts.filter((a) => a.conversationId === chat.conversationId);
  // With the connector's own retry the outbox would count one attempt for these two calls.
  expect(calls.map((a) => a.status)).toEqual([503, 200]);
  expect(row).toMatchObject({ status: "sent", attempts: 2 });
}, 40_000);

test("an answer lost on the way back (Teams has the message): failed as uncertain, never sent again", async () => {
  const chat = await teamsConversation(`tenant-${uid()}`);
  bed.fake.failNext({ status: 0, conversationId: chat.conversationId });
  const id = await send(chat.id, "Your check-in");
  const row = await settled(id);
  expect(row).toMatchObject({ status: "failed", error: expect.stringContaining("uncertain") });
  // Failed is final and the connector client does not retry: a second call would come at once.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const calls = bed.fake.attempts.filter((a) => a.conversationId === chat.conversationId);
  expect(calls).toHaveLength(1);
}, 40_000);
