/**
 * The turn's plain-SQL reads and writes (src/conversation/turn-sql.ts) give what the Prisma
 * queries they replace gave: the same conversation, the latest consent, the active runs most
 * recent first, a replay recognised, dates exact.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findConversationId, loadTurnRows } from "../../src/conversation/turn-sql.ts";
import type { Db } from "../../src/store/prisma.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

let db: Db;
let pool: pg.Pool;

beforeAll(() => {
  db = testDb();
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
});

async function conversationWithHistory() {
  const external = uid();
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: external, externalUserId: external, locale: "ro" },
  });
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, 0, ms));
  for (const [decision, ms] of [
    ["accepted", 1],
    ["withdrawn", 3],
    ["declined", 2],
  ] as const) {
    await db.consent.create({
      data: {
        conversationId: conversation.id,
        noticeVersion: "v1",
        decision,
        channel: "telegram",
        decidedAt: at(ms),
      },
    });
  }
  const run = (flowId: string, status: "active" | "completed", ms: number) =>
    db.flowRun.create({
      data: {
        conversationId: conversation.id,
        flowId,
        flowVersion: 1,
        stepId: "q1",
        status,
        state: { flowId, answers: { n: ms } },
        startedAt: at(ms),
      },
    });
  const older = await run("onboarding", "active", 10);
  await run("alerts", "completed", 30);
  const newer = await run("self_assessment", "active", 20);
  return { conversation, older, newer, external };
}

test("one query gives the conversation, its latest consent and its active runs, most recent first", async () => {
  const { conversation, older, newer } = await conversationWithHistory();
  const client = await pool.connect();
  try {
    const rows = await loadTurnRows(client, conversation.id, `in:telegram:${uid()}`);
    expect(rows?.conversation).toEqual(conversation);
    expect(rows?.seen).toBe(false);
    expect(rows?.consent).toEqual(
      await db.consent.findFirst({
        where: { conversationId: conversation.id },
        orderBy: { decidedAt: "desc" },
      }),
    );
    expect(rows?.consent?.decision).toBe("withdrawn");
    expect(rows?.runs.map((r) => [r.id, r.flowId, r.flowVersion, r.stepId])).toEqual([
      [newer.id, "self_assessment", 1, "q1"],
      [older.id, "onboarding", 1, "q1"],
    ]);
    expect(rows?.runs[0]?.state).toEqual({ flowId: "self_assessment", answers: { n: 20 } });
  } finally {
    client.release();
  }
});

test("a stored inbound message is a replay; a conversation without consent has none; a gone one is null", async () => {
  const external = uid();
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: external, externalUserId: external },
  });
  const key = `in:telegram:${uid()}`;
  await db.message.create({
    data: { conversationId: conversation.id, direction: "inbound", idempotencyKey: key, status: "received" },
  });
  const client = await pool.connect();
  try {
    const rows = await loadTurnRows(client, conversation.id, key);
    expect(rows?.seen).toBe(true);
    expect(rows?.consent).toBeNull();
    expect(rows?.runs).toEqual([]);
    expect(await loadTurnRows(client, `gone-${uid()}`, key)).toBeNull();
  } finally {
    client.release();
  }
});

test("a conversation is found by its channel address", async () => {
  const { conversation, external } = await conversationWithHistory();
  expect(await findConversationId(pool, "telegram", external)).toBe(conversation.id);
  expect(await findConversationId(pool, "webchat", external)).toBeUndefined();
});
