/**
 * The one rule for "which conversation do we write to" (docs/decisions/0013): the one the client
 * wrote from last; if it blocked the bot, the other active one; if it opted out, none. A nudge
 * for the client (a reminder, a check-in) follows the rule when it fires; a nudge about one
 * conversation stays there. Real Postgres; the nudge is fired with the worker's own function.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { ConversationStatus } from "../../src/generated/prisma/client.ts";
import { createLogger } from "../../src/logger.ts";
import { fireNudge, type NudgeHandler } from "../../src/scheduling/nudge-worker.ts";
import { conversationToWrite } from "../../src/store/conversation-to-write.ts";
import { consentedClient } from "../domain/fixtures.ts";
import { uid } from "../support/db.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

/** A client on Telegram (consented) who also has a web chat conversation, consented too. */
async function clientOnTwoChannels() {
  const client = await consentedClient(bed.app.db, { locale: "ro" });
  const telegram = await bed.app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
  const webchat = await bed.app.db.conversation.create({
    data: { channel: "webchat", externalConversationId: uid(), externalUserId: uid(), clientId: client.id },
  });
  await bed.app.db.consent.create({
    data: {
      conversationId: webchat.id,
      clientId: client.id,
      noticeVersion: "test-1",
      decision: "accepted",
      channel: "webchat",
    },
  });
  return { clientId: client.id, telegramId: telegram.id, webchatId: webchat.id };
}

const used = (id: string, minutesAgo: number, status: ConversationStatus = "active") =>
  bed.app.db.conversation.update({
    where: { id },
    data: { lastInboundAt: new Date(Date.now() - minutesAgo * 60_000), status },
  });

test("the conversation written from last; the other when it blocked the bot; none when it opted out", async () => {
  const { clientId, telegramId, webchatId } = await clientOnTwoChannels();
  await used(telegramId, 10);
  await used(webchatId, 5);
  expect(await conversationToWrite(bed.app.db, clientId)).toMatchObject({ id: webchatId });
  await used(telegramId, 1);
  expect(await conversationToWrite(bed.app.db, clientId)).toMatchObject({ id: telegramId });
  await used(telegramId, 1, "blocked");
  expect(await conversationToWrite(bed.app.db, clientId)).toMatchObject({ id: webchatId });
  await used(telegramId, 1, "opted_out");
  expect(await conversationToWrite(bed.app.db, clientId)).toEqual({ notSent: "conversation opted_out" });
  expect(await conversationToWrite(bed.app.db, "no-such-client")).toEqual({ notSent: "no conversation" });
});

test("a reminder planned on Telegram goes where the client wrote since; an idle-flow nudge stays", async () => {
  const { telegramId, webchatId } = await clientOnTwoChannels();
  await used(telegramId, 10);
  await used(webchatId, 1);
  const said: NudgeHandler = { decide: async () => ({ outputs: [{ key: "commands.welcome_back" }] }) };
  const deps = {
    db: bed.app.db,
    connection: bed.app.redis,
    prefix: bed.app.config.QUEUE_PREFIX,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    handlers: { appointment_reminder: said, idle_flow: said },
    logger: createLogger("silent"),
  };
  const fire = async (kind: "appointment_reminder" | "idle_flow") => {
    const jobId = `test:${uid()}:${kind}`;
    await bed.app.db.nudge.create({
      data: { jobId, kind, conversationId: telegramId, subjectId: uid(), dueAt: new Date() },
    });
    expect(await fireNudge(deps, jobId)).toBe("sent");
    const written = await bed.app.db.message.findFirstOrThrow({
      where: { idempotencyKey: `nudge:${jobId}:0` },
      select: { conversationId: true },
    });
    return written.conversationId;
  };
  expect(await fire("appointment_reminder")).toBe(webchatId);
  expect(await fire("idle_flow")).toBe(telegramId);
});
