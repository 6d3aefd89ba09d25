/**
 * The turn's plain-SQL reads and writes (src/conversation/turn-sql.ts) give what the Prisma
 * queries they replace gave: the same conversation, the latest consent, the active runs most
 * recent first, a replay recognised, dates exact.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { withAddressLock } from "../../src/conversation/conversation-lock.ts";
import { loadTurnRows } from "../../src/conversation/turn-sql.ts";
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
    const rows = await loadTurnRows(client, conversation.id, `in:telegram:${uid()}`, "q");
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
    const rows = await loadTurnRows(client, conversation.id, key, "q");
    expect(rows?.seen).toBe(true);
    expect(rows?.consent).toBeNull();
    expect(rows?.runs).toEqual([]);
    expect(await loadTurnRows(client, `gone-${uid()}`, key, "q")).toBeNull();
  } finally {
    client.release();
  }
});

/** Whether another session could take the conversation's lock now. */
async function lockFree(id: string): Promise<boolean> {
  const other = await pool.connect();
  try {
    const { rows } = await other.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got", [id]);
    if (rows[0].got) await other.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [id]);
    return rows[0].got;
  } finally {
    other.release();
  }
}

test("a conversation is found and locked by its channel address; a new address is created and locked", async () => {
  const { conversation, external } = await conversationWithHistory();
  const at = { channel: "telegram", externalConversationId: external, externalUserId: external } as const;
  const found = await withAddressLock(pool, at, async (_, id) => ({ id, free: await lockFree(id) }));
  expect(found).toEqual({ value: { id: conversation.id, free: false } });
  const reference = { serviceUrl: "https://smba.example/", conversation: { id: external } };
  const created = await withAddressLock(
    pool,
    {
      channel: "teams",
      externalConversationId: external,
      externalUserId: `u-${external}`,
      reference,
      tenantId: "t1",
    },
    async (_, id) => ({ id, free: await lockFree(id) }),
  );
  expect(created?.value.free).toBe(false);
  const row = await db.conversation.findUniqueOrThrow({ where: { id: created?.value.id } });
  expect(row).toMatchObject({
    channel: "teams",
    externalConversationId: external,
    externalUserId: `u-${external}`,
    reference,
    tenantId: "t1",
    status: "active",
    clientId: null,
    reachCounted: false,
  });
  expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  expect(await lockFree(row.id)).toBe(true);
});

test("two first messages of one person: the one whose insert lost finds the other's conversation", async () => {
  const external = uid();
  const at = { channel: "webchat", externalConversationId: external, externalUserId: external } as const;
  // The other first message: its row inserted, not yet committed, when this one's statement starts.
  const other = await pool.connect();
  try {
    await other.query("BEGIN");
    await other.query(
      `INSERT INTO "Conversation" (id, channel, "externalConversationId", "externalUserId")
       VALUES ($1, 'webchat', $2, $2)`,
      [`other-${external}`, external],
    );
    const mine = withAddressLock(pool, at, async (_, id) => id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await other.query("COMMIT");
    expect(await mine).toEqual({ value: `other-${external}` });
  } finally {
    other.release();
  }
  expect(
    await db.conversation.count({ where: { channel: "webchat", externalConversationId: external } }),
  ).toBe(1);
});

test("the turn read gives the client's programme (its newest open case's) and the chat's queued messages", async () => {
  const s = uid();
  const organisation = await db.organisation.create({ data: { slug: `o-${s}`, name: "O" } });
  const programme = await db.programme.create({
    data: {
      organisationId: organisation.id,
      slug: `p-${s}`,
      name: "P",
      timezone: "Europe/Sofia",
      settings: { legalAccessMonths: 6 },
    },
  });
  const client = await db.client.create({ data: { locale: "bg" } });
  await db.case.create({ data: { clientId: client.id, programmeId: programme.id, status: "intake" } });
  await db.case.create({ data: { clientId: client.id, status: "closed" } });
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: s, externalUserId: s, clientId: client.id },
  });
  const outbound = (key: string, status: "queued" | "sent", kind: "notice" | "broadcast", queue: string) =>
    db.message.create({
      data: {
        conversationId: conversation.id,
        direction: "outbound",
        idempotencyKey: `${key}-${s}`,
        status,
        kind,
        queue,
      },
    });
  const notice = await outbound("notice", "queued", "notice", "q");
  await outbound("sent", "sent", "notice", "q");
  await outbound("broadcast", "queued", "broadcast", "q");
  await outbound("other-queue", "queued", "notice", "other");
  const anyQueue = await outbound("any", "queued", "notice", "");
  const connection = await pool.connect();
  try {
    const rows = await loadTurnRows(connection, conversation.id, `in:telegram:${s}`, "q");
    expect(rows?.programme).toEqual({ timeZone: "Europe/Sofia", settings: { legalAccessMonths: 6 } });
    expect(rows?.earlier).toEqual([notice.id, anyQueue.id]);
    // The newest open case has no programme: none (the defaults), not an older case's.
    await db.case.create({ data: { clientId: client.id, status: "lead" } });
    expect((await loadTurnRows(connection, conversation.id, `in:telegram:${s}`, "q"))?.programme).toBeNull();
  } finally {
    connection.release();
  }
});
