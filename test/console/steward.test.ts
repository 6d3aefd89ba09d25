/**
 * A Roma steward on the street: opens a case for someone they met (the invite QR code on the
 * case page), sees that case and no one else's, no assessment; the client then waits in the leads
 * of the organisation's counsellors.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ env: { TELEGRAM_BOT_USERNAME: "engagement_test_bot" } });
});
afterAll(() => bed?.close());

async function signedIn(staffId: string) {
  const token = await openSession(bed.app.db, staffId);
  const session = await findSession(bed.app.db, token);
  return { cookie: `ceb_session=${token}`, "x-csrf-token": session?.csrfToken ?? "" };
}

test("a steward opens a case, sees only their own clients, and the lead reaches the counsellors", async () => {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const headers = await signedIn(steward.id);
  const opened = await bed.app.http.inject({
    method: "POST",
    url: "/console/cases",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    payload: `programme=${programme.slug}&reference=GS-3`,
  });
  expect(opened.statusCode, opened.body).toBe(303);
  const caseId = decodeURIComponent(String(opened.headers.location).split("/").at(-1) ?? "");
  const row = await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } });
  expect(row).toMatchObject({ broughtInById: steward.id, counsellorId: null, programmeId: programme.id });
  const page = await bed.app.http.inject({ url: `/console/cases/${caseId}`, headers });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`https://t.me/engagement_test_bot?start=${row.inviteCode}`);
  expect(page.body).toContain('src="data:image/png;base64,');
  expect(page.body).not.toContain("Self-assessment");

  const colleagues = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  expect((await bed.app.http.inject({ url: `/console/cases/${colleagues.id}`, headers })).statusCode).toBe(
    404,
  );
  expect((await bed.app.http.inject({ url: "/console/cases", headers })).body).not.toContain(colleagues.id);

  const client = await consentedClient(bed.app.db, { locale: "rom" });
  await bed.app.db.case.update({
    where: { id: caseId },
    data: { clientId: client.id, status: "intake", inviteCode: null },
  });
  const leads = (await bed.app.http.inject({ url: "/api/v1/leads", headers: bearer(counsellor) })).json();
  expect(leads.leads.map((l: { caseId: string }) => l.caseId)).toContain(caseId);
  const stewardLeads = (await bed.app.http.inject({ url: "/api/v1/leads", headers: bearer(steward) })).json();
  expect(stewardLeads.leads.map((l: { caseId: string }) => l.caseId)).toEqual([caseId]);
});

test("a programme of another organisation is refused", async () => {
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const other = await organisationWithCounsellor(bed.app.db);
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  const refused = await bed.app.http.inject({
    method: "POST",
    url: "/console/cases",
    headers: { ...(await signedIn(steward.id)), "content-type": "application/x-www-form-urlencoded" },
    payload: `programme=${other.programme.slug}`,
  });
  expect(refused.statusCode).toBe(400);
  expect(await bed.app.db.case.count({ where: { broughtInById: steward.id } })).toBe(0);
});
