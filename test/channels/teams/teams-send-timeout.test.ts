/**
 * A Teams send is bounded (TEAMS_SEND_TIMEOUT_MS, 300 ms here): a connector that does not answer
 * makes the send fail `uncertain` at the timeout, well before the outbox's sending lease, and the
 * request itself is aborted (the fake sees the bot close it). The timer never keeps the process
 * alive, and the late outcome of a timed-out send is nobody's unhandled rejection.
 */
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { withinSendTimeout } from "../../../src/channels/teams/send-timeout.ts";
import { TEAMS_SEND_TIMEOUT_MS } from "../../../src/channels/teams/sender.ts";
import { createTeamsChannel } from "../../../src/channels/teams/teams-channel.ts";
import { type ChannelSender, type ConversationAddress, SendError } from "../../../src/channels/types.ts";
import { testDb } from "../../support/db.ts";
import { type FakeBotFramework, startFakeBotFramework } from "../../support/fake-bot-framework.ts";
import { APP_PASSWORD } from "./support.ts";

const TIMEOUT_MS = 300;
const db = testDb();
const appId = randomUUID();
let fake: FakeBotFramework;
let sender: ChannelSender;

beforeAll(async () => {
  const tenantId = randomUUID();
  fake = await startFakeBotFramework({ appId, appPassword: APP_PASSWORD, tenantId });
  sender = createTeamsChannel({
    appId,
    appPassword: APP_PASSWORD,
    tenantId,
    appType: "SingleTenant",
    openIdMetadataUrl: fake.openIdMetadataUrl,
    tokenIssuer: fake.issuer,
    loginUrl: fake.loginUrl,
    db,
    onInbound: async () => {},
    logger: pino({ level: "silent" }),
    sender: { timeoutMs: TIMEOUT_MS },
  }).sender;
});
afterAll(async () => {
  await fake?.close();
  await db.$disconnect();
});

function address(): ConversationAddress {
  const conversationId = `a:${randomUUID()}`;
  return {
    channel: "teams",
    externalConversationId: conversationId,
    externalUserId: randomUUID(),
    reference: {
      serviceUrl: fake.serviceUrl,
      channelId: "msteams",
      bot: { id: `28:${appId}`, name: "Bot" },
      user: { id: `29:${randomUUID()}`, name: "Ana" },
      conversation: { id: conversationId, conversationType: "personal" },
    },
  };
}
const message = { text: "hello", locale: "en", direction: "ltr" } as const;

test("the default is 30 s, half the outbox's 60 s sending lease", () => {
  expect(TEAMS_SEND_TIMEOUT_MS).toBe(30_000);
});

describe("the Teams sender", () => {
  test("an answer within the timeout: sent", async () => {
    const result = await sender.send(address(), message);
    expect(result.externalMessageId).toMatch(/^act-/);
  });

  test("no answer: uncertain at the timeout, and the request is aborted", async () => {
    await sender.send(address(), message); // the bot's token, fetched before the clock starts
    const from = fake.attempts.length;
    fake.holdNext(10_000);
    const started = Date.now();
    const error = await sender.send(address(), message).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).kind).toBe("uncertain");
    expect((error as SendError).message).toContain("timed out");
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 700);
    await vi.waitFor(() => expect(fake.attempts[from]?.abandonedAt).toBeDefined(), { timeout: 2000 });
    expect((fake.attempts[from]?.abandonedAt ?? 0) - started).toBeLessThan(TIMEOUT_MS + 700);
  });
});

describe("withinSendTimeout", () => {
  test("a send that ends in time leaves no timer behind", async () => {
    vi.useFakeTimers();
    try {
      await expect(withinSendTimeout(60_000, async () => "ok")).resolves.toBe("ok");
      await expect(
        withinSendTimeout(60_000, async () => {
          throw new SendError("transient", "503");
        }),
      ).rejects.toMatchObject({ kind: "transient" });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  test("the pending timer does not hold the process; a late failure is owned", async () => {
    const setTimer = vi.spyOn(globalThis, "setTimeout");
    let lateRejected = false;
    const late = () =>
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          lateRejected = true;
          reject(new Error("the late answer"));
        }, 100),
      );
    const timing = withinSendTimeout(20, late);
    const timer = setTimer.mock.results[0]?.value as NodeJS.Timeout;
    setTimer.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await expect(timing).rejects.toMatchObject({ kind: "uncertain" });
    await vi.waitFor(() => expect(lateRejected).toBe(true));
  });
});
