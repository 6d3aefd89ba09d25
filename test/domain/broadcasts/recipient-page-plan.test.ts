/**
 * The fan-out's page of recipients (RECIPIENT_PAGE_SQL in broadcast-fanout.ts) on the data it
 * meets in a big broadcast: thousands of recipients just written (the table never analysed), the
 * first pages already queued. It must read one page of recipients from the index, in chat order,
 * not every pending recipient and then sort them (17,000 rows and 50–75 ms a page on the
 * benchmark, on the database the sends wait for); and it must return the right page.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RECIPIENT_PAGE_SQL } from "../../../src/domain/broadcasts/broadcast-fanout.ts";
import { uid } from "../../support/db.ts";
import { testDatabaseUrl } from "../../support/env.ts";

const RECIPIENTS = 4000;
/** The fan-out has written this many pages before the one asked for. */
const DONE = 1000;
const PAGE = 500;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  Plans?: PlanNode[];
}

let sql: pg.Pool;
let broadcastId: string;
/** The chat id of recipient i (zero-padded: text order is number order). */
let chat: (i: number) => string;

beforeAll(async () => {
  sql = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
  const s = `rp-${uid()}`;
  broadcastId = `${s}-b`;
  chat = (i) => `${s}-${String(i).padStart(5, "0")}`;
  await sql.query(`INSERT INTO "Organisation" (id, slug, name) VALUES ($1, $1, 'Recipient page')`, [s]);
  await sql.query(
    `INSERT INTO "Broadcast" (id, "organisationId", segment, texts, "sendAt", status)
     VALUES ($2, $1, '{}', '{"ro": "Atelier CV joi"}', now(), 'sending'::"BroadcastStatus")`,
    [s, broadcastId],
  );
  await sql.query(
    `INSERT INTO "Client" (id, locale) SELECT $1::text || '-' || lpad(g::text, 5, '0'), 'ro'
       FROM generate_series(1, $2::int) AS g`,
    [s, RECIPIENTS],
  );
  await sql.query(
    `INSERT INTO "Conversation" (id, channel, "externalConversationId", "externalUserId", "clientId", locale)
     SELECT c, 'telegram'::"Channel", c, c, c, 'ro'
       FROM (SELECT $1::text || '-' || lpad(g::text, 5, '0') AS c FROM generate_series(1, $2::int) AS g) AS x`,
    [s, RECIPIENTS],
  );
  // The first DONE recipients are queued (earlier pages); every seventh of the rest was skipped
  // when the recipients were fixed; the rest are pending. No ANALYZE.
  await sql.query(
    `INSERT INTO "BroadcastRecipient" ("broadcastId", "conversationId", locale, status)
     SELECT $2, $1::text || '-' || lpad(g::text, 5, '0'), 'ro',
            (CASE WHEN g <= $3 THEN 'queued' WHEN g % 7 = 0 THEN 'skipped' ELSE 'pending' END)::"RecipientStatus"
       FROM generate_series(1, $4::int) AS g`,
    [s, broadcastId, DONE, RECIPIENTS],
  );
});

afterAll(async () => {
  await sql?.end();
});

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

test("a page reads its own recipients from the index, in chat order, not every pending one", async () => {
  const explained = await sql.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${RECIPIENT_PAGE_SQL}`,
    [broadcastId, chat(DONE), PAGE],
  );
  const root = explained.rows[0]?.["QUERY PLAN"][0].Plan as PlanNode;
  const all = nodes(root);
  const shown = JSON.stringify(root, null, 1);
  const scans = all.filter((n) => n["Relation Name"] === "BroadcastRecipient");
  expect(scans, `the recipients are read by one scan. Plan: ${shown}`).toHaveLength(1);
  expect(
    scans[0]?.["Index Name"],
    `the recipients come from the index (broadcastId, status, conversationId). Plan: ${shown}`,
  ).toBe("BroadcastRecipient_broadcastId_status_conversationId_idx");
  expect(
    scans[0]?.["Actual Rows"],
    `one page of recipients is read, not all ${RECIPIENTS - DONE} pending ones. Plan: ${shown}`,
  ).toBeLessThanOrEqual(PAGE);
  expect(
    all.map((n) => n["Node Type"]),
    `the index gives the chat order: nothing is sorted. Plan: ${shown}`,
  ).not.toContain("Sort");
});

test("the page is the next pending recipients after the last chat, with their conversation's state", async () => {
  const page = await sql.query<{ conversationId: string; status: string; channel: string; locale: string }>(
    RECIPIENT_PAGE_SQL,
    [broadcastId, chat(DONE), PAGE],
  );
  const expected: string[] = [];
  for (let i = DONE + 1; expected.length < PAGE; i++) if (i % 7 !== 0) expected.push(chat(i));
  expect(
    page.rows.map((r) => r.conversationId),
    "pending recipients after the last page's chat, skipped ones left out, in chat order",
  ).toEqual(expected);
  expect(page.rows[0], "each with its conversation's state, channel and locale").toEqual({
    conversationId: expected[0],
    status: "active",
    channel: "telegram",
    locale: "ro",
  });
});
