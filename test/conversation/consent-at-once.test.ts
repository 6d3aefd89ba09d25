/**
 * A person without a code consents (issue 18): the turn's domain effects — the new Client, the
 * Consent, a lead in the default-intake programme and its audit event — are written with the
 * turn's one statement (effects-at-once.ts, privacy-turns.ts, link-at-once.ts), not by Prisma's
 * transaction: no Prisma query, and the same rows the transaction writes. A database of its own,
 * because a default-intake programme changes what every other file's onboarding does.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import { uid } from "../support/db.ts";
import { ownDatabase } from "../support/own-database.ts";
import { counted } from "../support/sql-count.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

const database = ownDatabase("consent");
let bed: TestBedWithTelegram;
let intake: { id: string; organisationId: string };
beforeAll(async () => {
  await database.create();
  bed = await startTestBed({ telegram: true, env: { DATABASE_URL: database.url } });
  const s = uid();
  await createOrganisation(bed.app.db, { slug: `o-${s}`, name: "Foyer" });
  intake = await createProgramme(bed.app.db, {
    organisationSlug: `o-${s}`,
    slug: `p-${s}`,
    name: "Intake",
    isDefaultIntake: true,
  });
});
afterAll(async () => {
  await bed?.close();
  await database.drop();
});

const conversationOf = (user: TelegramUser) =>
  bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
    include: { client: { include: { cases: true } }, consents: true, flowRuns: true },
  });

test("consent without a code: client, consent, lead and audit in the turn's one write, no Prisma query", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say("/start");
  await user.tap("language:ro");
  const { result: replies, statements } = await counted(() => user.tap("consent:accept"));
  expect(replies.map((r) => r.text)).toEqual([
    bed.app.translator.t("onboarding.lead", "ro"),
    bed.app.translator.t("assessment.offer_prompt", "ro"),
  ]);
  const texts = statements.join("\n");
  expect(texts).not.toMatch(/"public"\./); // Prisma names every table with its schema
  expect(texts).not.toMatch(/^BEGIN/m);
  // found and locked, the turn read, the intake read, the write, 2 replies × 2 (taken as sending, sent), unlocked
  expect(statements, texts).toHaveLength(9);

  const conversation = await conversationOf(user);
  const client = conversation.client;
  if (!client) throw new Error("no client");
  expect(client.locale).toBe("ro");
  expect(conversation.consents).toEqual([
    expect.objectContaining({ clientId: client.id, decision: "accepted", channel: "telegram" }),
  ]);
  expect(client.cases).toEqual([
    expect.objectContaining({ programmeId: intake.id, status: "lead", counsellorId: null }),
  ]);
  const caseId = client.cases[0]?.id;
  const audit = await bed.app.db.auditEvent.findMany({ where: { subjectId: caseId } });
  expect(audit).toEqual([
    expect.objectContaining({
      type: "client.linked",
      organisationId: intake.organisationId,
      actor: "client",
      subjectType: "case",
      data: { kind: "default-intake-lead" },
    }),
  ]);
  // The onboarding run waits at the questionnaire offer, with its idle nudges planned.
  const run = conversation.flowRuns.find((r) => r.status === "active");
  expect(run?.stepId).toBe("done");
  const nudges = await bed.app.db.nudge.findMany({ where: { subjectId: run?.id, status: "pending" } });
  expect(nudges).toHaveLength(2);
});

test("declining without a code: only the decision is kept, written at once too", async () => {
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say("/start");
  await user.tap("language:fr");
  const { result: replies, statements } = await counted(() => user.tap("consent:decline"));
  expect(replies.map((r) => r.text)).toEqual([bed.app.translator.t("onboarding.declined", "fr")]);
  expect(statements.join("\n")).not.toMatch(/INSERT INTO "public"\."Consent"/);
  const conversation = await conversationOf(user);
  expect(conversation.client).toBeNull();
  expect(conversation.consents).toEqual([expect.objectContaining({ clientId: null, decision: "declined" })]);
  expect(conversation.flowRuns).toEqual([]);
  expect(await bed.app.db.message.count({ where: { conversationId: conversation.id } })).toBe(0);
});
