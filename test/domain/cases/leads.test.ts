import { afterAll, describe, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { listLeads } from "../../../src/domain/cases/leads.ts";
import { testDb, uid } from "../../support/db.ts";
import { consentedClient, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("listLeads", () => {
  test("lists an organisation's leads with programme, date and language; not counsellors' own cases", async () => {
    const { organisation, programme, counsellor } = await organisationWithCounsellor(db, {
      withInviteCode: true,
    });
    const other = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db, { displayName: "Elena", locale: "bg" });
    const otherClient = await consentedClient(db);
    const lead = await linkClient(db, {
      clientId: client.id,
      invite: await resolveInvite(db, programme.inviteCode),
    });
    await linkClient(db, {
      clientId: otherClient.id,
      invite: await resolveInvite(db, other.programme.inviteCode),
    });
    await createCase(db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });

    const leads = await listLeads(db, { organisationSlug: organisation.slug });

    expect(leads).toEqual([
      {
        caseId: lead.caseId,
        programmeSlug: programme.slug,
        organisationSlug: organisation.slug,
        createdAt: expect.any(Date),
        clientLocale: "bg",
        clientName: "Elena",
      },
    ]);
  });

  test("never shows the name of a client whose consent was withdrawn", async () => {
    const { organisation, programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db, { displayName: "Ana", decision: "withdrawn" });
    await linkClient(db, { clientId: client.id, invite: await resolveInvite(db, programme.inviteCode) });
    const [lead] = await listLeads(db, { organisationSlug: organisation.slug });
    expect(lead).toMatchObject({ clientName: null, clientLocale: "ro" });
  });

  test("--unassigned lists leads without a programme, and only those", async () => {
    const { programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db);
    const unassigned = await db.case.create({ data: { clientId: client.id, status: "lead" } });
    const inProgramme = await linkClient(db, {
      clientId: client.id,
      invite: await resolveInvite(db, programme.inviteCode),
    });

    const leads = await listLeads(db, { unassigned: true });

    const ids = leads.map((l) => l.caseId);
    expect(ids).toContain(unassigned.id);
    expect(ids).not.toContain(inProgramme.caseId);
    expect(leads.every((l) => l.programmeSlug === null && l.organisationSlug === null)).toBe(true);
    expect((await listLeads(db)).map((l) => l.caseId)).toEqual(
      expect.arrayContaining([unassigned.id, inProgramme.caseId]),
    );
  });

  test("refuses an unknown organisation, and an organisation together with --unassigned", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    await expect(listLeads(db, { organisationSlug: `nope-${uid()}` })).rejects.toThrow(
      /^No organisation with slug/,
    );
    await expect(listLeads(db, { organisationSlug: organisation.slug, unassigned: true })).rejects.toThrow(
      /^Unassigned leads belong to no organisation/,
    );
  });
});

describe("the invisible lead", () => {
  test("a lead that finished the questionnaire (preparation, no counsellor) is still listed", async () => {
    const { organisation, programme } = await organisationWithCounsellor(db);
    const client = await consentedClient(db);
    const lead = await db.case.create({
      data: { clientId: client.id, programmeId: programme.id, status: "preparation" },
    });
    const leads = await listLeads(db, { organisationSlug: organisation.slug });
    expect(leads.map((l) => l.caseId)).toContain(lead.id);
  });
});
