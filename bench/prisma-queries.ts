/**
 * What Prisma 6.19's query compiler costs per query shape: each shape the turn uses, run N times
 * through the Prisma client and the same SQL through node-postgres on one connection, one query
 * at a time, with the CPU of this process (process.cpuUsage) per query for each. The difference
 * is the ORM's own work: Prisma 6.19 serialises each query to JSON and compiles it to a plan in
 * WebAssembly (`compile`, values inlined, so no plan is ever reused), then interprets the plan
 * in JavaScript.
 *
 *   npx tsx bench/prisma-queries.ts           # N = 2000
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations } from "../src/store/database-setup.ts";
import { createDb, type Db } from "../src/store/prisma.ts";

const N = Number(process.env.BENCH_N ?? 2000);
const SERVER = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
const database = `bench_prisma_${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const databaseUrl = Object.assign(new URL(SERVER), { pathname: `/${database}` }).toString();

interface Shape {
  name: string;
  prisma: (db: Db, i: number) => Promise<unknown>;
  sql: (client: pg.Client, i: number) => Promise<unknown>;
}

function shapes(conversationId: string): Shape[] {
  return [
    {
      name: "conversation by unique key",
      prisma: (db, i) =>
        db.conversation.findUnique({
          where: {
            channel_externalConversationId: { channel: "telegram", externalConversationId: String(i % 50) },
          },
        }),
      sql: (c, i) =>
        c.query(`SELECT * FROM "Conversation" WHERE channel = 'telegram' AND "externalConversationId" = $1`, [
          String(i % 50),
        ]),
    },
    {
      name: "latest consent (findFirst, orderBy)",
      prisma: (db) => db.consent.findFirst({ where: { conversationId }, orderBy: { decidedAt: "desc" } }),
      sql: (c) =>
        c.query(`SELECT * FROM "Consent" WHERE "conversationId" = $1 ORDER BY "decidedAt" DESC LIMIT 1`, [
          conversationId,
        ]),
    },
    {
      name: "active flow runs (findMany)",
      prisma: (db) =>
        db.flowRun.findMany({ where: { conversationId, status: "active" }, orderBy: { startedAt: "desc" } }),
      sql: (c) =>
        c.query(
          `SELECT * FROM "FlowRun" WHERE "conversationId" = $1 AND status = 'active' ORDER BY "startedAt" DESC`,
          [conversationId],
        ),
    },
    {
      name: "conversation with consents and runs (include)",
      prisma: (db) =>
        db.conversation.findUnique({
          where: { id: conversationId },
          include: {
            consents: { orderBy: { decidedAt: "desc" }, take: 1 },
            flowRuns: { where: { status: "active" } },
          },
        }),
      sql: (c) =>
        c.query(
          `SELECT c.*, (SELECT row_to_json(x) FROM (SELECT * FROM "Consent" WHERE "conversationId" = c.id ORDER BY "decidedAt" DESC LIMIT 1) x) AS consent,
                  (SELECT coalesce(json_agg(r), '[]') FROM "FlowRun" r WHERE r."conversationId" = c.id AND r.status = 'active') AS runs
             FROM "Conversation" c WHERE c.id = $1`,
          [conversationId],
        ),
    },
    {
      name: "update flow run state (update)",
      prisma: (db, i) =>
        db.flowRun.updateMany({
          where: { conversationId, status: "active" },
          data: { stepId: `s${i % 7}`, state: { i } },
        }),
      sql: (c, i) =>
        c.query(
          `UPDATE "FlowRun" SET "stepId" = $2, state = $3, "updatedAt" = now() WHERE "conversationId" = $1 AND status = 'active'`,
          [conversationId, `s${i % 7}`, JSON.stringify({ i })],
        ),
    },
    {
      name: "insert message (create)",
      prisma: (db, i) =>
        db.message.create({
          data: {
            conversationId,
            direction: "inbound",
            status: "received",
            text: `m${i}`,
            idempotencyKey: `p${i}-${randomBytes(6).toString("hex")}`,
          },
        }),
      sql: (c, i) =>
        c.query(
          `INSERT INTO "Message" ("conversationId", direction, status, text, "idempotencyKey") VALUES ($1, 'inbound', 'received', $2, $3)`,
          [conversationId, `m${i}`, `s${i}-${randomBytes(6).toString("hex")}`],
        ),
    },
  ];
}

async function cpuPerQuery(run: (i: number) => Promise<unknown>): Promise<{ cpuUs: number; wallUs: number }> {
  for (let i = 0; i < 200; i++) await run(i); // warm-up (JIT, connections)
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < N; i++) await run(i);
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / N, wallUs: ((performance.now() - wall) * 1000) / N };
}

async function main() {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const db = createDb(databaseUrl, { poolSize: 1 });
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await applyMigrations(databaseUrl);
    await client.connect();
    const conversation = await db.conversation.create({
      data: { channel: "telegram", externalConversationId: "0", externalUserId: "0" },
    });
    await db.consent.create({
      data: {
        conversationId: conversation.id,
        noticeVersion: "1",
        decision: "accepted",
        channel: "telegram",
      },
    });
    await db.flowRun.create({
      data: {
        conversationId: conversation.id,
        flowId: "onboarding",
        flowVersion: 2,
        stepId: "done",
        state: {},
      },
    });
    console.log(`Per query, one at a time, N = ${N} (CPU of this process, µs; wall µs):`);
    console.log("shape | Prisma CPU | pg CPU | ORM CPU | Prisma wall | pg wall");
    for (const shape of shapes(conversation.id)) {
      const p = await cpuPerQuery((i) => shape.prisma(db, i));
      const s = await cpuPerQuery((i) => shape.sql(client, i));
      console.log(
        `${shape.name} | ${p.cpuUs.toFixed(0)} | ${s.cpuUs.toFixed(0)} | ${(p.cpuUs - s.cpuUs).toFixed(0)} | ${p.wallUs.toFixed(0)} | ${s.wallUs.toFixed(0)}`,
      );
    }
  } finally {
    await client.end().catch(() => {});
    await db.$disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
