/**
 * The web chat's extras on a long conversation (rows written directly): an offer far back keeps its
 * buttons live and labels a tap on it, and a poll reads a bounded number of rows however many
 * messages there are.
 */
import { afterAll, describe, expect, test } from "vitest";
import { LIVE_OFFERS_WINDOW, transcriptExtras } from "../../../src/channels/webchat/webchat-live.ts";
import type { Prisma } from "../../../src/generated/prisma/client.ts";
import { testDb, uid } from "../../support/db.ts";
import { counted } from "../../support/sql-count.ts";

const db = testDb();
afterAll(() => db.$disconnect());

const isFlowStep = (stepId: string) => stepId === "housing";

type Written = Pick<Prisma.MessageCreateManyInput, "direction" | "text" | "payload"> & { key: string };

const offer = (key: string, choices: { id: string; label: string; url?: string }[]): Written => ({
  key,
  direction: "outbound",
  text: "…",
  payload: { choices, locale: "en" },
});
const reply = (key: string): Written => ({
  key,
  direction: "outbound",
  text: "ok",
  payload: { locale: "en" },
});
const typed = (key: string, text: string): Written => ({ key, direction: "inbound", text });
const tap = (key: string, choiceId: string): Written => ({
  key,
  direction: "inbound",
  text: null,
  payload: { choiceId },
});

/** A web chat session whose conversation holds `rows`, in order; their ids by key. */
async function conversationOf(rows: Written[]): Promise<{ sessionId: string; ids: Map<string, bigint> }> {
  const sessionId = `s-${uid()}`;
  const conversation = await db.conversation.create({
    data: { channel: "webchat", externalConversationId: sessionId, externalUserId: sessionId },
  });
  const prefix = `in:webchat:${sessionId}:`;
  await db.message.createMany({
    data: rows.map(({ key, ...row }) => ({
      ...row,
      conversationId: conversation.id,
      idempotencyKey: row.direction === "inbound" ? `${prefix}${key}` : `out:${sessionId}:${key}`,
      status: row.direction === "inbound" ? "received" : "sent",
    })),
  });
  const written = await db.message.findMany({
    where: { conversationId: conversation.id },
    select: { id: true, idempotencyKey: true },
  });
  const ids = new Map(written.map((m) => [m.idempotencyKey.split(":").at(-1) ?? "", m.id]));
  return { sessionId, ids };
}

describe("a conversation of 300 messages", () => {
  test("an appointment offered far back stays live and labels a tap on it; the waiting question is live", async () => {
    const rows: Written[] = [
      offer("appointment", [
        { id: "appt:a1:yes", label: "I'm coming" },
        { id: "map:a1", label: "Map", url: "https://www.openstreetmap.org/" },
      ]),
      offer("question", [
        { id: "housing:rented", label: "Rented" },
        { id: "housing:own", label: "My own" },
      ]),
    ];
    for (let i = 0; i < 148; i++) rows.push(typed(`word${i}`, `word ${i}`), reply(`reply${i}`));
    rows.push(tap("tap1", "appt:a1:yes"), tap("tap2", "housing:rented"));
    const { sessionId, ids } = await conversationOf(rows);
    const conversation = await db.conversation.findFirstOrThrow({
      where: { externalConversationId: sessionId },
    });
    await db.flowRun.create({
      data: {
        conversationId: conversation.id,
        flowId: "intake",
        flowVersion: 1,
        stepId: "housing",
        state: {},
      },
    });
    const id = (key: string) => String(ids.get(key));

    const poll = await transcriptExtras(db, sessionId, ids.get("reply147") ?? 0n, { isFlowStep });
    expect(poll.client).toEqual([
      { id: id("tap1"), clientMessageId: "tap1", text: "I'm coming", choiceId: "appt:a1:yes" },
      { id: id("tap2"), clientMessageId: "tap2", text: "Rented", choiceId: "housing:rented" },
    ]);
    expect(poll.live.sort()).toEqual([id("appointment"), id("question")].sort());

    const reload = await transcriptExtras(db, sessionId, 0n, { isFlowStep });
    expect(reload.client).toHaveLength(150);
    expect(reload.client[0]).toEqual({ id: id("word0"), clientMessageId: "word0", text: "word 0" });
    expect(reload.client.at(-2)).toMatchObject({ text: "I'm coming" });
    expect(reload.live.sort()).toEqual(poll.live.sort());
  });

  test(`a poll reads at most the newest ${LIVE_OFFERS_WINDOW} offers; older offers are spent, taps still labelled`, async () => {
    const rows: Written[] = [];
    for (let i = 0; i < 250; i++) {
      rows.push(offer(`job${i}`, [{ id: `job:j${i}:interested`, label: `Interested ${i}` }]));
      if (i % 5 === 4) rows.push(tap(`tap${i}`, `job:j${i}:interested`));
    }
    const { sessionId, ids } = await conversationOf(rows);
    const newest = Array.from({ length: LIVE_OFFERS_WINDOW }, (_, n) => String(ids.get(`job${250 - 1 - n}`)));

    const poll = await counted(() =>
      transcriptExtras(db, sessionId, ids.get("job248") ?? 0n, { isFlowStep }),
    );
    expect(poll.result.client).toEqual([
      {
        id: String(ids.get("tap249")),
        clientMessageId: "tap249",
        text: "Interested 249",
        choiceId: "job:j249:interested",
      },
    ]);
    expect(poll.result.live.sort()).toEqual(newest.sort());
    expect(poll.statements.length).toBeLessThanOrEqual(5);
    expect(poll.rows).toBeLessThanOrEqual(LIVE_OFFERS_WINDOW + 5);

    // A reload's first page: its taps are far older than the newest offers, and still labelled.
    const until = ids.get("job100") ?? 0n;
    const page = await counted(() => transcriptExtras(db, sessionId, 0n, { until, isFlowStep }));
    expect(page.result.client.map((m) => m.text)).toEqual(
      Array.from({ length: 20 }, (_, n) => `Interested ${n * 5 + 4}`),
    );
    expect(page.result.live.sort()).toEqual(newest.sort());
    expect(page.rows).toBeLessThanOrEqual(2 * LIVE_OFFERS_WINDOW + 20 + 5);
  });
});
