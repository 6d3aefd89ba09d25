/**
 * A batched write (src/store/sql-write.ts) is one statement: every part's change lands, with what
 * the returning parts gave back, or — when one part fails — none does (a redelivered message's
 * key taken already leaves the conversation as it was).
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "../../src/store/prisma.ts";
import { runWrite, SqlParams, type WritePart, writeStatement } from "../../src/store/sql-write.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

let db: Db;
let pool: pg.Pool;
beforeAll(() => {
  db = testDb();
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
});

function turnWrite(
  conversationId: string,
  key: string,
  locale: string,
): { parts: WritePart[]; params: SqlParams } {
  const params = new SqlParams();
  const id = params.add(conversationId, "text");
  const parts: WritePart[] = [
    {
      name: "inbound",
      sql: `INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", status, payload)
        VALUES (${id}, 'inbound', ${params.add(key, "text")}, 'received', ${params.add(JSON.stringify({ a: "ü'\\" }), "jsonb")})
        RETURNING id::text AS key`,
      returns: true,
    },
    {
      name: "conversation",
      sql: `UPDATE "Conversation" SET locale = ${params.add(locale, "text")},
        "lastInboundAt" = ${params.add(new Date("2026-03-29T01:30:00.123Z"), "timestamp")} WHERE id = ${id}`,
    },
  ];
  return { parts, params };
}

test("every part lands in one statement, and a failing part leaves nothing of the others", async () => {
  const s = uid();
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: s, externalUserId: s },
  });
  const first = turnWrite(conversation.id, `in:telegram:${s}`, "ro");
  const keys = await runWrite(pool, first.parts, first.params);
  const stored = await db.message.findUniqueOrThrow({ where: { idempotencyKey: `in:telegram:${s}` } });
  expect(keys.get("inbound")).toEqual([stored.id.toString()]);
  expect(stored.payload).toEqual({ a: "ü'\\" });
  const after = await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
  expect(after.locale).toBe("ro");
  expect(after.lastInboundAt?.toISOString()).toBe("2026-03-29T01:30:00.123Z");

  const again = turnWrite(conversation.id, `in:telegram:${s}`, "ar");
  await expect(runWrite(pool, again.parts, again.params)).rejects.toThrow(/unique|duplicate/i);
  expect((await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).locale).toBe("ro");
});

test("a part's name must be a plain name (it is written into the statement)", () => {
  expect(() => writeStatement([{ name: "x; DROP", sql: "SELECT 1" }])).toThrow(/plain name/);
  expect(() => writeStatement([])).toThrow();
});

test("two parts may not share a name (the second would shadow the first's WITH entry)", () => {
  const part = { name: "reach", sql: "SELECT 1" };
  expect(() => writeStatement([part, { ...part }])).toThrow(/share a name/);
  expect(writeStatement([part, { ...part, name: "reach_2" }])).toContain("reach_2 AS (SELECT 1)");
});
