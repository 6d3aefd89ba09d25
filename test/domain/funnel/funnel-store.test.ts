/**
 * The funnel read from the real store: step days written by the triggers whoever changes a status,
 * kept when the client is erased; scoped to the coordinator's organisation; and the CSV that
 * leaves the organisation carries no name, chat id, case id or reference.
 */
import { afterAll, describe, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { NotFoundError } from "../../../src/domain/errors.ts";
import { funnelCaseRowsCsv, funnelFiguresCsv } from "../../../src/domain/funnel/funnel-csv.ts";
import { loadFunnel } from "../../../src/domain/funnel/funnel-store.ts";
import { eraseByConversation } from "../../../src/domain/privacy/erasure.ts";
import { testDb, uid } from "../../support/db.ts";
import { recordReach } from "../../support/record-reach.ts";
import { consentedClient, inRolledBackTransaction, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

async function conversationOf(clientId: string) {
  return db.conversation.findFirstOrThrow({ where: { clientId } });
}

describe("loadFunnel", () => {
  test("counts steps from the store, and keeps them when the client is erased", async () => {
    const { organisation, programme, counsellor } = await organisationWithCounsellor(db, {
      withInviteCode: true,
    });
    const names = ["Elena Stan", "Ion Rusu", "Maria Dobre"];
    const clients = [];
    for (const displayName of names) {
      const client = await consentedClient(db, { displayName, locale: "ro" });
      const link = await linkClient(db, {
        clientId: client.id,
        invite: await resolveInvite(db, programme.inviteCode),
      });
      if (!link.caseId) throw new Error("no case");
      await db.case.update({
        where: { id: link.caseId },
        data: { reference: `REF-${displayName}`, place: "anderlecht" },
      });
      clients.push({ client, caseId: link.caseId });
    }
    const chatIds = await db.conversation.findMany({
      where: { clientId: { in: clients.map((c) => c.client.id) } },
      select: { externalConversationId: true, externalUserId: true },
    });
    expect(chatIds).toHaveLength(3);
    const [first, second] = clients;
    if (!first || !second) throw new Error("no clients");
    // Elena: assessed, in preparation, then training, placed 100 days ago (1 and 3 months are due), then erased.
    const hundredDaysAgo = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    await db.assessment.create({
      data: {
        clientId: first.client.id,
        caseId: first.caseId,
        flowId: "self_assessment",
        flowVersion: 1,
        answers: {},
        readiness: {},
      },
    });
    await db.case.update({ where: { id: first.caseId }, data: { status: "preparation" } });
    await db.case.update({ where: { id: first.caseId }, data: { status: "training" } });
    await db.placement.create({
      data: {
        caseId: first.caseId,
        employer: "Hotel Nord",
        job: "cleaner",
        contractType: "cdd",
        startDate: new Date(`${hundredDaysAgo}T00:00:00Z`),
      },
    });
    await db.case.update({ where: { id: first.caseId }, data: { status: "working" } });
    // Ion: moved to training straight away by a counsellor, then left.
    await db.case.update({ where: { id: second.caseId }, data: { status: "training" } });
    await db.case.update({ where: { id: second.caseId }, data: { status: "closed" } });
    const firstConversation = await conversationOf(first.client.id);
    await db.$transaction((tx) => eraseByConversation(tx, firstConversation.id));
    const conversation = await conversationOf(clients[2]?.client.id as string);
    await recordReach(db, {
      conversationId: conversation.id,
      inviteCode: programme.inviteCode,
      now: new Date(),
    });

    const steps = await db.caseStep.findMany({ where: { caseId: first.caseId }, orderBy: { step: "asc" } });
    expect(steps.map((s) => s.step)).toEqual(["assessed", "closed", "preparation", "training", "working"]);
    expect(await db.assessment.count({ where: { caseId: first.caseId } })).toBe(0); // erased with the client

    const loaded = await loadFunnel(db, {
      organisationId: organisation.id,
      query: { programme: programme.slug },
    });
    expect(loaded.report.steps.map((s) => [s.step, s.count])).toEqual([
      ["reached", 1],
      ["consented", 3],
      ["assessed", 2],
      ["preparation", 2],
      ["training", 2],
      ["placed", 1],
      ["working_1m", 1],
      ["working_3m", 1],
      ["working_6m", 0],
    ]);
    expect(loaded.report.dropOuts.filter((d) => d.count).map((d) => [d.step, d.count])).toEqual([
      ["training", 1], // Ion
      ["working_3m", 1], // Elena, erased (her case closed) while still placed
    ]);
    const byCounsellor = await loadFunnel(db, {
      organisationId: organisation.id,
      query: { programme: programme.slug, counsellor: counsellor.email, language: "ro" },
    });
    expect(byCounsellor.report.steps[1]?.count).toBe(0); // leads have no counsellor yet

    const csv = [
      funnelFiguresCsv(programme.slug, loaded.report, loaded.smallNumberThreshold),
      funnelCaseRowsCsv(loaded.cases, loaded.report.filters, loaded.report.today),
    ].join("\n");
    expect(csv).toContain("step,consented,< 5,,,\r\n"); // 3 of 1 reached: no conversion
    expect(csv).toContain("step,assessed,< 5,< 5,< 5,< 5\r\n");
    expect(csv).toContain("step,working_6m,0,0,,\r\n");
    for (const secret of [
      ...names,
      ...clients.map((c) => c.caseId),
      "REF-",
      counsellor.email,
      counsellor.name,
    ]) {
      expect(csv).not.toContain(secret);
    }
    for (const chat of chatIds) {
      expect(csv).not.toContain(chat.externalConversationId);
      expect(csv).not.toContain(chat.externalUserId);
    }
    expect(funnelCaseRowsCsv(loaded.cases, {}, loaded.report.today).split("\r\n").slice(0, 2)).toEqual([
      "language,consented_month,assessed_month,preparation_month,training_month,placed_month,working_1m,working_3m,working_6m,left_month,last_step",
      expect.stringMatching(
        new RegExp(
          `^,\\d{4}-\\d{2},\\d{4}-\\d{2},\\d{4}-\\d{2},\\d{4}-\\d{2},${hundredDaysAgo.slice(0, 7)},yes,yes,,\\d{4}-\\d{2},working_3m$`,
        ),
      ),
    ]);
  });

  test("another organisation's programme is not found", async () => {
    const mine = await organisationWithCounsellor(db);
    const theirs = await organisationWithCounsellor(db);
    await expect(
      loadFunnel(db, { organisationId: mine.organisation.id, query: { programme: theirs.programme.slug } }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      loadFunnel(db, {
        organisationId: mine.organisation.id,
        query: { programme: mine.programme.slug, from: "2026-05-01", to: "2026-04-01" },
      }),
    ).rejects.toThrow("from must not be after to");
  });

  test("a case that no client joined is not in the funnel", async () => {
    const { organisation, programme, counsellor } = await organisationWithCounsellor(db);
    await createCase(db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });
    const loaded = await loadFunnel(db, {
      organisationId: organisation.id,
      query: { programme: programme.slug },
    });
    expect(loaded.report.steps[1]?.count).toBe(0);
  });
});

describe("recordReach", () => {
  test("counts a conversation once, for the programme of its code, on the programme's day", async () => {
    const { programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    const conversation = await db.conversation.create({
      data: { channel: "telegram", externalConversationId: uid(), externalUserId: uid() },
    });
    const late = new Date("2026-07-01T22:30:00Z"); // already 2 July in Brussels
    await recordReach(db, { conversationId: conversation.id, inviteCode: programme.inviteCode, now: late });
    await recordReach(db, { conversationId: conversation.id, inviteCode: programme.inviteCode, now: late });
    const rows = await db.programmeReach.findMany({ where: { programmeId: programme.id } });
    expect(rows.map((r) => [r.day.toISOString().slice(0, 10), r.count])).toEqual([["2026-07-02", 1]]);
  });

  test("no usable code: the default intake's count; no default intake: counted nowhere, marked all the same", async () => {
    const { programme: intake } = await organisationWithCounsellor(db);
    await db.programme.update({ where: { id: intake.id }, data: { timezone: "Asia/Tokyo" } });
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const used = await createCase(db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });
    await linkClient(db, {
      clientId: (await consentedClient(db)).id,
      invite: await resolveInvite(db, used.inviteCode),
    });
    const now = new Date("2026-07-01T16:00:00Z"); // 2 July in Tokyo
    const counts = await inRolledBackTransaction(db, async (tx) => {
      // The lock createProgramme takes, so no other test makes a default intake meanwhile.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${7_310_001})`;
      await tx.programme.updateMany({ where: { isDefaultIntake: true }, data: { isDefaultIntake: false } });
      const conversation = () =>
        tx.conversation.create({
          data: { channel: "telegram", externalConversationId: uid(), externalUserId: uid() },
        });
      const none = await conversation();
      await recordReach(tx, { conversationId: none.id, inviteCode: null, now });
      const reached = await tx.programmeReach.count({ where: { programmeId: intake.id } });
      await tx.programme.update({ where: { id: intake.id }, data: { isDefaultIntake: true } });
      for (const inviteCode of [null, used.inviteCode, "ZZZZZZZZ9"]) {
        const one = await conversation();
        await recordReach(tx, { conversationId: one.id, inviteCode, now });
      }
      const rows = await tx.programmeReach.findMany({
        where: { programmeId: { in: [intake.id, programme.id] } },
      });
      const marked = await tx.conversation.findUniqueOrThrow({ where: { id: none.id } });
      return {
        reached,
        marked: marked.reachCounted,
        rows: rows.map((r) => [r.programmeId, r.day.toISOString().slice(0, 10), r.count]),
      };
    });
    expect(counts).toEqual({ reached: 0, marked: true, rows: [[intake.id, "2026-07-02", 3]] });
  });
});
