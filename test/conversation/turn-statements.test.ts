/**
 * What a turn costs in SQL statements (issue 18): counted per update through the app's webhook,
 * so a change that adds a query to the hot path fails here instead of slipping into the figures
 * of bench:inbound. A questionnaire answer: the conversation found and locked (1), the turn read
 * (1), its write (1), the reply sent by the outbox (taken as `sending` in one statement, then `sent`:
 * decision 0016), unlocked (1).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { counted } from "../support/sql-count.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

async function inviteCode(): Promise<string> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, FOYER);
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  return created.inviteCode as string;
}

test("a questionnaire answer costs 6 SQL statements: found and locked, one read, one write, the reply taken as sending and sent, unlocked", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${await inviteCode()}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  await user.tap("done:now");
  const { result: replies, statements } = await counted(() => user.tap("residence:eu_citizen"));
  expect(replies).toHaveLength(1);
  const texts = statements.join("\n");
  // Each of these was read before issue 18 and is known to the turn now.
  expect(texts).not.toMatch(/FROM "public"\."Case"/); // the programme: in the turn read
  expect(texts).not.toMatch(/SELECT "public"\."Nudge"/); // pending or read back: the turn wrote them
  expect(texts).not.toMatch(/SELECT e\.id FROM "Message"/); // the chat's earlier messages: in the turn read
  expect(statements, texts).toHaveLength(6);
  const shapes = [
    /^WITH found AS .* pg_advisory_lock/, // found (or created) and locked
    /^SELECT c\.id, c\.channel/, // the turn read
    /^WITH inbound AS \(INSERT/, // the turn's one write
    /^UPDATE "Message" AS m SET status = 'sending'/, // the reply taken and marked sending at once
    /^UPDATE "Message" SET status = 'sent'/,
    /^SELECT pg_advisory_unlock/,
  ];
  for (const [i, shape] of shapes.entries()) expect(statements[i], `statement ${i + 1}`).toMatch(shape);
  // …and the one write holds what the transaction held: the answer, the run, the nudges, the reply.
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
    include: { flowRuns: { where: { status: "active" } }, messages: { orderBy: { id: "asc" } } },
  });
  const run = conversation.flowRuns[0];
  if (!run) throw new Error("no active run");
  expect(run.flowId).toBe("self_assessment");
  expect((run.state as { answers: Record<string, unknown> }).answers.residence).toBeDefined();
  const [inbound, reply] = conversation.messages.slice(-2);
  expect(inbound).toMatchObject({
    direction: "inbound",
    status: "received",
    payload: { choiceId: "residence:eu_citizen" },
  });
  expect(reply).toMatchObject({ direction: "outbound", status: "sent", messageKey: expect.any(String) });
  expect(conversation.lastInboundAt).not.toBeNull();
  const nudges = await bed.app.db.nudge.findMany({ where: { subjectId: run.id }, orderBy: { jobId: "asc" } });
  expect(nudges.map((n) => [n.jobId, n.status])).toEqual([
    [`idle:${run.id}:1`, "pending"],
    [`idle:${run.id}:2`, "pending"],
  ]);
});

test("a new person's /start costs 7 SQL statements, none of them Prisma's: created and locked, one read, the start facts, one write, the reply taken as sending and sent, unlocked", async () => {
  const code = await inviteCode();
  const user = new TelegramUser(bed.app, bed.telegram);
  const { result: replies, statements } = await counted(() => user.say(`/start ${code}`));
  expect(replies).toHaveLength(1);
  const texts = statements.join("\n");
  expect(texts).not.toMatch(/"public"\./); // Prisma names every table with its schema
  expect(texts).not.toMatch(/^BEGIN/m);
  expect(statements, texts).toHaveLength(7);
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
    include: { flowRuns: true, messages: { orderBy: { id: "asc" } } },
  });
  // Reached, for the programme of the code, in the same write.
  expect(conversation.reachCounted).toBe(true);
  const invited = await bed.app.db.case.findFirstOrThrow({ where: { inviteCode: code } });
  const reach = await bed.app.db.programmeReach.findMany({
    where: { programmeId: invited.programmeId as string },
  });
  expect(reach.map((r) => r.count)).toEqual([1]);
  expect(conversation.flowRuns.map((r) => [r.flowId, r.status])).toEqual([["onboarding", "active"]]);
  expect(conversation.flowRuns[0]?.state).toMatchObject({
    vars: { invite: "case", counsellor_name: "Lena" },
  });
  expect(conversation.messages.map((m) => [m.direction, m.text])).toEqual([
    ["inbound", null], // nothing the person typed is kept before consent
    ["outbound", replies[0]?.text],
  ]);
});
