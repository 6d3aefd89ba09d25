import { afterAll, describe, expect, test } from "vitest";
import { createCase, listCases } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { testDb, uid } from "../../support/db.ts";
import { consentedClient, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("createCase", () => {
  test("opens a lead case owned by the counsellor, with a fresh single-use invite code", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email.toUpperCase(),
      reference: " AB-12 ",
    });
    expect(created).toMatchObject({
      status: "lead",
      programmeSlug: programme.slug,
      counsellorId: counsellor.id,
      reference: "AB-12",
    });
    expect(created.inviteCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const stored = await db.case.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored).toMatchObject({
      inviteCode: created.inviteCode,
      clientId: null,
      programmeId: programme.id,
    });
  });

  test("gives every case its own code", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const cases = await Promise.all(
      Array.from({ length: 10 }, () =>
        createCase(db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email }),
      ),
    );
    expect(new Set(cases.map((c) => c.inviteCode)).size).toBe(10);
  });

  test("rejects a counsellor of another organisation", async () => {
    const ours = await organisationWithCounsellor(db);
    const theirs = await organisationWithCounsellor(db);
    const attempt = createCase(db, {
      programmeSlug: ours.programme.slug,
      counsellorEmail: theirs.counsellor.email,
    });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toThrow(
      `Counsellor ${theirs.counsellor.email} is not part of the organisation that runs programme "${ours.programme.slug}".`,
    );
    expect(await db.case.count({ where: { counsellorId: theirs.counsellor.id } })).toBe(0);
  });

  test("names an unknown programme or counsellor", async () => {
    const { programme } = await organisationWithCounsellor(db);
    await expect(
      createCase(db, { programmeSlug: `nope-${uid()}`, counsellorEmail: "a@example.org" }),
    ).rejects.toThrow(/^No programme with slug "nope-/);
    await expect(
      createCase(db, { programmeSlug: programme.slug, counsellorEmail: "nobody@example.org" }),
    ).rejects.toThrow("No counsellor with e-mail nobody@example.org.");
  });
});

describe("listCases", () => {
  test("shows the cases of the counsellor's organisation, colleagues' included, and no others", async () => {
    const ours = await organisationWithCounsellor(db);
    const theirs = await organisationWithCounsellor(db);
    const colleague = await createCounsellor(db, {
      organisationSlug: ours.organisation.slug,
      name: "Colleague",
      email: `colleague-${uid()}@example.org`,
    });
    const mine = await createCase(db, {
      programmeSlug: ours.programme.slug,
      counsellorEmail: ours.counsellor.email,
    });
    const colleagues = await createCase(db, {
      programmeSlug: ours.programme.slug,
      counsellorEmail: colleague.email,
    });
    const other = await createCase(db, {
      programmeSlug: theirs.programme.slug,
      counsellorEmail: theirs.counsellor.email,
    });

    const listed = await listCases(db, { counsellorEmail: ours.counsellor.email });
    expect(listed.map((c) => c.id).sort()).toEqual([mine.id, colleagues.id].sort());
    expect(listed.map((c) => c.id)).not.toContain(other.id);
    expect(listed.find((c) => c.id === colleagues.id)).toMatchObject({
      counsellorEmail: colleague.email,
      programmeSlug: ours.programme.slug,
      inviteCode: colleagues.inviteCode,
      clientLinked: false,
    });
  });

  test("shows a linked client's name only while their consent stands", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const consenting = await consentedClient(db, { displayName: "Maria", locale: "ro" });
    const withdrawn = await consentedClient(db, { displayName: "Ion", locale: "ro", decision: "withdrawn" });
    for (const client of [consenting, withdrawn]) {
      const created = await createCase(db, {
        programmeSlug: programme.slug,
        counsellorEmail: counsellor.email,
      });
      await linkClient(db, { clientId: client.id, invite: await resolveInvite(db, created.inviteCode) });
    }
    const listed = await listCases(db, { counsellorEmail: counsellor.email });
    expect(listed.map((c) => [c.clientName, c.status, c.inviteCode, c.clientLocale]).sort()).toEqual(
      [
        ["Maria", "intake", null, "ro"],
        [null, "intake", null, "ro"],
      ].sort(),
    );
  });

  test("refuses an unknown counsellor", async () => {
    await expect(listCases(db, { counsellorEmail: `ghost-${uid()}@example.org` })).rejects.toThrow(
      /^No counsellor with e-mail ghost-/,
    );
  });
});
