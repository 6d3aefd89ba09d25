import { afterAll, describe, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import type { Prisma } from "../../../src/store/prisma.ts";
import { testDb } from "../../support/db.ts";
import { consentedClient, inRolledBackTransaction, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

/** Inside `tx`: no programme is the default intake, or only `programmeId` is (rolled back by the caller). */
async function setDefaultIntake(tx: Prisma.TransactionClient, programmeId: string | null) {
  // The lock createProgramme takes, so no other test makes a default intake meanwhile.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${7_310_001})`;
  await tx.programme.updateMany({ where: { isDefaultIntake: true }, data: { isDefaultIntake: false } });
  if (programmeId) await tx.programme.update({ where: { id: programmeId }, data: { isDefaultIntake: true } });
}

describe("linkClient", () => {
  test("a case code links the client to the case, spends the code and moves lead → intake", async () => {
    const { organisation, programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const client = await consentedClient(db);
    const invite = await resolveInvite(db, created.inviteCode);

    const result = await db.$transaction((tx) => linkClient(tx, { clientId: client.id, invite }));

    expect(result).toEqual({
      kind: "case",
      caseId: created.id,
      programmeId: programme.id,
      organisationId: organisation.id,
      counsellorId: counsellor.id,
      alreadyLinked: false,
      codeAlreadyUsed: false,
    });
    const stored = await db.case.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored).toMatchObject({ clientId: client.id, inviteCode: null, status: "intake" });
    expect(stored.linkedAt).toBeInstanceOf(Date);
  });

  test("linking the same client again with the same invite changes nothing", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const client = await consentedClient(db);
    const invite = await resolveInvite(db, created.inviteCode);
    await linkClient(db, { clientId: client.id, invite });
    const again = await linkClient(db, { clientId: client.id, invite });
    expect(again).toMatchObject({ kind: "case", caseId: created.id, alreadyLinked: true });
    expect(await db.case.count({ where: { clientId: client.id } })).toBe(1);
  });

  test("a programme code makes a lead case in that programme, without a counsellor", async () => {
    const { organisation, programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db);
    const invite = await resolveInvite(db, programme.inviteCode);

    const result = await linkClient(db, { clientId: client.id, invite });

    expect(result).toMatchObject({
      kind: "programme-lead",
      programmeId: programme.id,
      organisationId: organisation.id,
      counsellorId: null,
      alreadyLinked: false,
    });
    const lead = await db.case.findUniqueOrThrow({ where: { id: result.caseId ?? "" } });
    expect(lead).toMatchObject({
      clientId: client.id,
      programmeId: programme.id,
      counsellorId: null,
      status: "lead",
    });
    const replay = await linkClient(db, { clientId: client.id, invite });
    expect(replay).toMatchObject({ caseId: result.caseId, alreadyLinked: true });
  });

  test("no code or an unknown code makes a lead in the default-intake programme", async () => {
    const { organisation, programme } = await organisationWithCounsellor(db);
    const client = await consentedClient(db);
    const [withoutCode, withUnknownCode] = await inRolledBackTransaction(db, async (tx) => {
      await setDefaultIntake(tx, programme.id);
      return [
        await linkClient(tx, { clientId: client.id, invite: null }),
        await linkClient(tx, { clientId: client.id, invite: { kind: "unknown" } }),
      ];
    });
    expect(withoutCode).toMatchObject({
      kind: "default-intake-lead",
      programmeId: programme.id,
      organisationId: organisation.id,
      counsellorId: null,
      alreadyLinked: false,
    });
    expect(withUnknownCode).toMatchObject({
      kind: "default-intake-lead",
      caseId: withoutCode?.caseId,
      alreadyLinked: true,
    });
  });

  test("without a default-intake programme there is no case at all: no lead that nobody can see", async () => {
    const client = await consentedClient(db);
    const { result, cases } = await inRolledBackTransaction(db, async (tx) => {
      await setDefaultIntake(tx, null);
      const result = await linkClient(tx, { clientId: client.id, invite: { kind: "unknown" } });
      return { result, cases: await tx.case.count({ where: { clientId: client.id } }) };
    });
    expect(result).toMatchObject({
      kind: "no-intake",
      caseId: null,
      programmeId: null,
      organisationId: null,
    });
    expect(cases).toBe(0);
  });

  test("a case code used meanwhile by another client sends the client to the intake instead", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const first = await consentedClient(db);
    const second = await consentedClient(db);
    const invite = await resolveInvite(db, created.inviteCode);
    await linkClient(db, { clientId: first.id, invite });
    const late = await linkClient(db, { clientId: second.id, invite });
    expect(late.kind).toMatch(/^(default-intake-lead|no-intake)$/);
    expect(late).toMatchObject({ codeAlreadyUsed: true, counsellorId: null });
    expect(late.caseId).not.toBe(created.id);
    expect((await db.case.findUniqueOrThrow({ where: { id: created.id } })).clientId).toBe(first.id);
  });

  test("two clients racing for one case code: exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const { programme, counsellor } = await organisationWithCounsellor(db);
      const created = await createCase(db, {
        programmeSlug: programme.slug,
        counsellorEmail: counsellor.email,
      });
      const clients = await Promise.all([consentedClient(db), consentedClient(db)]);
      const invite = await resolveInvite(db, created.inviteCode);

      const results = await Promise.all(
        clients.map((client) => db.$transaction((tx) => linkClient(tx, { clientId: client.id, invite }))),
      );

      const winners = results.filter((r) => r.kind === "case");
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.codeAlreadyUsed)).toHaveLength(1);
      const stored = await db.case.findUniqueOrThrow({ where: { id: created.id } });
      const winner = clients[results.indexOf(winners[0] as (typeof results)[number])];
      expect(stored.clientId).toBe(winner?.id);
    }
  });

  test("refuses a client that does not exist", async () => {
    const attempt = linkClient(db, { clientId: "no-such-client", invite: null });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toThrow("No client with id no-such-client.");
  });
});
