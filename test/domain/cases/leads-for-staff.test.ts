/**
 * Who is a lead, as the console and the CLI list them (`leadsForStaff`): a client's case with no
 * counsellor, whatever its status says, in the staff member's organisation; a client's name only
 * while their consent stands.
 */
import { afterAll, describe, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { linkClient } from "../../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../../src/domain/cases/invites.ts";
import { leadsForStaff } from "../../../src/domain/cases/lead-assignment.ts";
import type { StaffIdentity } from "../../../src/domain/staff/staff-identity.ts";
import { testDb } from "../../support/db.ts";
import { consentedClient, organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

const identityOf = (counsellor: { id: string; organisationId: string }): StaffIdentity => ({
  staffId: counsellor.id,
  organisationId: counsellor.organisationId,
  role: "counsellor",
  locale: "en",
});

describe("leadsForStaff", () => {
  test("an organisation's leads with programme, date and language; not counsellors' own cases, not another organisation's", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db, { withInviteCode: true });
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

    expect(await leadsForStaff(db, identityOf(counsellor))).toEqual([
      {
        caseId: lead.caseId,
        status: "lead",
        programmeSlug: programme.slug,
        createdAt: expect.any(Date),
        clientLocale: "bg",
        clientName: "Elena",
      },
    ]);
  });

  test("never shows the name of a client whose consent was withdrawn", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db, { displayName: "Ana", decision: "withdrawn" });
    await linkClient(db, { clientId: client.id, invite: await resolveInvite(db, programme.inviteCode) });
    const [lead] = await leadsForStaff(db, identityOf(counsellor));
    expect(lead).toMatchObject({ clientName: null, clientLocale: "ro" });
  });

  test("a lead that finished the questionnaire (preparation, no counsellor) is still listed; a closed one is not", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const client = await consentedClient(db);
    const lead = await db.case.create({
      data: { clientId: client.id, programmeId: programme.id, status: "preparation" },
    });
    const closed = await db.case.create({
      data: { clientId: client.id, programmeId: programme.id, status: "closed" },
    });
    const ids = (await leadsForStaff(db, identityOf(counsellor))).map((l) => l.caseId);
    expect(ids).toContain(lead.id);
    expect(ids).not.toContain(closed.id);
  });
});
