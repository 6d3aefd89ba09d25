/**
 * The outbox claim's plan (CLAIM_SQL in src/outbox/send-claim.ts) on the data that once made it
 * slow: a second broadcast to thousands of chats, the Message table freshly filled (never
 * analysed) and full of dead row versions from the first broadcast (queued → sending → sent).
 * The planner then combined the claimed ids with the status index — every 'queued' entry, dead
 * ones included — and a claim took 26 ms instead of 0.1. The claim must take its rows by primary
 * key and ask "an earlier message of the chat still waiting" of the partial index
 * Message_waiting_idx, whatever the statistics say; and it must still claim what it should.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CLAIM_SQL } from "../../src/outbox/send-claim.ts";
import { uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

/** Chats of the broadcast. */
const CHATS = 5000;
/** The claim's window for earlier messages, as the worker passes it (ORDER_WINDOW_MS in seconds). */
const WINDOW_SECONDS = 86400;

/** A node of `EXPLAIN (FORMAT JSON)`'s tree, with the keys read here. */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Alias?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

let sql: pg.Pool;
/** The second broadcast's queued message of each chat, in chat order. */
let queued: string[] = [];
/** A chat whose first broadcast message is still queued, and its second one (must not be claimed). */
let heldBack: { earlier: string; later: string };

beforeAll(async () => {
  sql = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  const s = `cp-${uid()}`;
  await sql.query(`INSERT INTO "Organisation" (id, slug, name) VALUES ($1, $1, 'Claim plan')`, [s]);
  await sql.query(
    `INSERT INTO "Broadcast" (id, "organisationId", segment, texts, "sendAt", status)
     VALUES ($1::text || '-first', $1, '{}', '{"ro": "Atelier CV joi"}', now(), 'sent'::"BroadcastStatus"),
            ($1::text || '-second', $1, '{}', '{"ro": "Atelier CV vineri"}', now(), 'sending'::"BroadcastStatus")`,
    [s],
  );
  // One client and one active Telegram chat per person; chat CHATS + 1 is the held-back one.
  await sql.query(
    `INSERT INTO "Client" (id, locale)
     SELECT $1::text || '-' || g, 'ro' FROM generate_series(1, $2::int + 1) AS g`,
    [s, CHATS],
  );
  await sql.query(
    `INSERT INTO "Conversation" (id, channel, "externalConversationId", "externalUserId", "clientId", locale)
     SELECT $1::text || '-' || g, 'telegram'::"Channel", $1::text || '-' || g, $1::text || '-' || g, $1::text || '-' || g, 'ro'
       FROM generate_series(1, $2::int + 1) AS g`,
    [s, CHATS],
  );
  // The first broadcast: one proactive message per chat, written queued, in chat order.
  await sql.query(
    `INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", text, status, proactive, "broadcastId")
     SELECT $1::text || '-' || g, 'outbound'::"MessageDirection", 'out:' || $1::text || ':first:' || g,
            'Atelier CV joi', 'queued'::"MessageStatus", true, $1::text || '-first'
       FROM generate_series(1, $2::int + 1) AS g
      ORDER BY g`,
    [s, CHATS],
  );
  // … claimed and sent, one statement each, as the worker does: every step leaves a dead version
  // (and, the status being indexed, a dead entry in the status index). The last chat's stays queued.
  for (const [from, to] of [
    ["queued", "sending"],
    ["sending", "sent"],
  ]) {
    await sql.query(
      `UPDATE "Message" SET status = $3::"MessageStatus", attempts = attempts + 1
        WHERE "broadcastId" = $1::text || '-first' AND status = $2::"MessageStatus"
          AND "conversationId" <> $1::text || '-' || ($4::int + 1)`,
      [s, from, to, CHATS],
    );
  }
  // The second broadcast: one more proactive message per chat, queued. No ANALYZE: the table's
  // statistics are what a broadcast written faster than autovacuum leaves.
  const second = await sql.query<{ id: string; conversationId: string }>(
    `INSERT INTO "Message" ("conversationId", direction, "idempotencyKey", text, status, proactive, "broadcastId")
     SELECT $1::text || '-' || g, 'outbound'::"MessageDirection", 'out:' || $1::text || ':second:' || g,
            'Atelier CV vineri', 'queued'::"MessageStatus", true, $1::text || '-second'
       FROM generate_series(1, $2::int + 1) AS g
      ORDER BY g
     RETURNING id::text, "conversationId"`,
    [s, CHATS],
  );
  const heldChat = `${s}-${CHATS + 1}`;
  const rows = second.rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  queued = rows.filter((r) => r.conversationId !== heldChat).map((r) => r.id);
  const earlier = await sql.query<{ id: string; status: string }>(
    `SELECT id::text, status::text FROM "Message" WHERE "conversationId" = $1 AND "broadcastId" = $2`,
    [heldChat, `${s}-first`],
  );
  expect(earlier.rows, "the held-back chat's first broadcast message is still queued").toEqual([
    { id: expect.any(String), status: "queued" },
  ]);
  heldBack = {
    earlier: earlier.rows[0]?.id as string,
    later: rows.find((r) => r.conversationId === heldChat)?.id as string,
  };
  expect(queued, "one queued second-broadcast message per ordinary chat").toHaveLength(CHATS);
});

afterAll(async () => {
  await sql?.end();
});

/** Every node of the plan tree, depth first. */
function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

/**
 * The indexes a scan node reads for its own rows: its own, or those of the bitmap index scans (and
 * BitmapAnd/BitmapOr) beneath it — not those of a subplan run from its filter.
 */
function indexesOf(scan: PlanNode): string[] {
  const bitmap = (scan.Plans ?? []).filter((n) => n["Node Type"].startsWith("Bitmap"));
  return [...(scan["Index Name"] ? [scan["Index Name"]] : []), ...bitmap.flatMap(indexesOf)];
}

/** The scan of the Message table under `alias` (m: the claimed rows, e: the earlier-message probe). */
function scanOf(all: PlanNode[], alias: string): PlanNode[] {
  return all.filter(
    (n) => n["Relation Name"] === "Message" && n.Alias === alias && n["Node Type"].endsWith("Scan"),
  );
}

/**
 * The plan of a claim of 20 of the queued messages, as the worker would send it. EXPLAIN without
 * ANALYZE: the UPDATE is planned, not run, so nothing is claimed.
 */
async function claimPlan(): Promise<{ all: PlanNode[]; shown: string }> {
  const explained = await sql.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    `EXPLAIN (FORMAT JSON) ${CLAIM_SQL}`,
    [queued.slice(100, 120), WINDOW_SECONDS],
  );
  const root = explained.rows[0]?.["QUERY PLAN"][0].Plan as PlanNode;
  return { all: nodes(root), shown: JSON.stringify(root, null, 1) };
}

test("the claim reads rows by primary key and the waiting index, never the status index", async () => {
  const { all, shown } = await claimPlan();

  const used = all.flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
  expect(
    used,
    `no node may read Message_status_createdAt_idx: on a freshly written table full of dead versions it walks every 'queued' entry (26 ms a claim). Plan: ${shown}`,
  ).not.toContain("Message_status_createdAt_idx");

  const claimed = scanOf(all, "m");
  expect(claimed, `the claimed messages (m) are read by exactly one scan. Plan: ${shown}`).toHaveLength(1);
  expect(
    indexesOf(claimed[0] as PlanNode),
    `the claimed messages (m) come by primary key from the ids given, with no other index combined. Plan: ${shown}`,
  ).toEqual(["Message_pkey"]);

  const probe = scanOf(all, "e");
  expect(
    probe,
    `"an earlier message of the chat still waiting" (e) is one scan. Plan: ${shown}`,
  ).toHaveLength(1);
  expect(
    indexesOf(probe[0] as PlanNode),
    `"an earlier message of the chat still waiting" (e) reads the partial index of waiting messages, nothing else. Plan: ${shown}`,
  ).toEqual(["Message_waiting_idx"]);
});

test("the earlier-message probe is keyed by the chat, not a walk of the whole waiting index", async () => {
  const { all, shown } = await claimPlan();
  const probe = scanOf(all, "e")[0];
  // Without statistics the partial index looks empty, and an unkeyed scan of it (the chat compared
  // in the join's filter) costs the planner no more than a keyed one; but it holds every waiting
  // message of the broadcast, and each claimed message then reads all of them.
  expect(
    probe?.["Index Cond"] ?? "",
    `"an earlier message of the chat still waiting" (e) must look up the claimed message's chat in Message_waiting_idx (an Index Cond on conversationId), not read every waiting message of the broadcast for each claimed one. Plan: ${shown}`,
  ).toContain('"conversationId" = m."conversationId"');
});

test("on the same data the claim takes queued messages, and not one behind an earlier waiting message", async () => {
  const ids = queued.slice(0, 5);
  const claimed = await sql.query<{ id: string }>(CLAIM_SQL, [[...ids, heldBack.later], WINDOW_SECONDS]);
  expect(
    claimed.rows.map((r) => String(r.id)).sort(),
    "the five queued messages of chats with nothing earlier waiting are claimed, the held-back one is not",
  ).toEqual([...ids].sort());

  const after = await sql.query<{ id: string; status: string; attempts: number }>(
    `SELECT id::text, status::text, attempts FROM "Message" WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [[...ids, heldBack.later, heldBack.earlier]],
  );
  const statusOf = new Map(after.rows.map((r) => [r.id, r]));
  for (const id of ids)
    expect(statusOf.get(id), `claimed message ${id} is now sending, its attempt counted`).toMatchObject({
      status: "sending",
      attempts: 1,
    });
  expect(
    statusOf.get(heldBack.later),
    "a message whose chat still has an earlier proactive message queued stays queued (the chat's order holds)",
  ).toMatchObject({ status: "queued", attempts: 0 });
  expect(statusOf.get(heldBack.earlier), "the earlier message itself is untouched").toMatchObject({
    status: "queued",
  });
});
