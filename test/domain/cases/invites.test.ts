import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { inviteVars } from "../../../src/domain/cases/onboarding-turns.ts";
import { testDb } from "../../support/db.ts";
import { testDatabaseUrl } from "../../support/env.ts";
import { consentedClient, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("resolveInvite", () => {
  test("a case code names the case, its programme, organisation and counsellor", async () => {
    const { organisation, programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    expect(await resolveInvite(db, created.inviteCode)).toEqual({
      kind: "case",
      caseId: created.id,
      programmeId: programme.id,
      organisationId: organisation.id,
      counsellorId: counsellor.id,
      counsellorName: counsellor.name,
    });
  });

  test("codes are case-insensitive and may carry spaces", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const resolved = await resolveInvite(db, ` ${created.inviteCode.toLowerCase()}\n`);
    expect(resolved).toMatchObject({ kind: "case", caseId: created.id });
  });

  test("a programme code names the programme", async () => {
    const { organisation, programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    expect(await resolveInvite(db, programme.inviteCode)).toEqual({
      kind: "programme",
      programmeId: programme.id,
      organisationId: organisation.id,
      programmeName: programme.name,
    });
  });

  test("an unknown, empty or malformed code is unknown", async () => {
    expect(await resolveInvite(db, "ZZZZZZZZ9")).toEqual({ kind: "unknown" });
    expect(await resolveInvite(db, "")).toEqual({ kind: "unknown" });
    expect(await resolveInvite(db, undefined)).toEqual({ kind: "unknown" });
    expect(await resolveInvite(db, "not a code!")).toEqual({ kind: "unknown" });
  });

  test("a used case code is unknown: case codes are single-use", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const client = await consentedClient(db);
    const invite = await resolveInvite(db, created.inviteCode);
    await linkClient(db, { clientId: client.id, invite });
    expect(await resolveInvite(db, created.inviteCode)).toEqual({ kind: "unknown" });
  });

  test("a case already linked is unknown even if its code was somehow kept", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const client = await consentedClient(db);
    await db.case.update({ where: { id: created.id }, data: { clientId: client.id } });
    expect(await resolveInvite(db, created.inviteCode)).toEqual({ kind: "unknown" });
  });
});

describe("onboarding's start facts on the turn's own connection (no Prisma)", () => {
  test("the code's kind and counsellor, read with node-postgres as through Prisma", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db, { withInviteCode: true });
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const connection = new pg.Client({ connectionString: testDatabaseUrl() });
    await connection.connect();
    try {
      for (const code of [created.inviteCode, programme.inviteCode, "ZZZZZZZZ9", "not a code!"])
        expect(await resolveInvite(connection, code)).toEqual(await resolveInvite(db, code));
      const intake =
        (await db.programme.count({ where: { isDefaultIntake: true } })) > 0 ? "default" : "none";
      expect(await inviteVars(connection, created.inviteCode)).toEqual({
        invite: "case",
        invite_code: created.inviteCode,
        counsellor_name: counsellor.name,
        intake,
      });
      expect(await inviteVars(connection, programme.inviteCode ?? undefined)).toMatchObject({
        invite: "programme",
        counsellor_name: null,
      });
      expect(await inviteVars(connection, "ZZZZZZZZ9")).toMatchObject({ invite: "invalid" });
      expect(await inviteVars(connection, undefined)).toEqual({
        invite: "none",
        invite_code: null,
        counsellor_name: null,
        intake,
      });
    } finally {
      await connection.end();
    }
  });
});
