/** Inviting staff from the console: who may not be invited again, and what the coordinator reads. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

async function invite(coordinatorId: string, form: Record<string, string>) {
  const token = await openSession(bed.app.db, coordinatorId);
  const session = await findSession(bed.app.db, token);
  return bed.app.http.inject({
    method: "POST",
    url: "/console/staff/invite",
    headers: {
      cookie: `ceb_session=${token}`,
      "x-csrf-token": session?.csrfToken ?? "",
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams(form).toString(),
  });
}

test("a colleague who has set a password gets no new link; the coordinator reads why in Dutch", async () => {
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator", { locale: "nl" });
  const colleague = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const refused = await invite(coordinator.id, { name: "X", email: colleague.email, role: "counsellor" });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain("Deze persoon heeft al een wachtwoord ingesteld");
  expect(refused.body).not.toContain("set-password?token=");
  const stored = await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: colleague.id } });
  expect(stored).toMatchObject({ role: "coordinator", inviteTokenHash: null });
});

test("an e-mail of another organisation reads as one that cannot be invited", async () => {
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const other = await organisationWithCounsellor(bed.app.db);
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator", { locale: "fr" });
  const refused = await invite(coordinator.id, { name: "X", email: other.counsellor.email, role: "steward" });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain("Cette adresse e-mail ne peut pas être invitée.");
  expect(refused.body).not.toContain("autre organisation");
});
