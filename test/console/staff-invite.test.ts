/** Inviting staff from the console: who may not be invited again, and what the coordinator reads. */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestApp } from "../support/test-app.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function invite(coordinatorId: string, form: Record<string, string>) {
  const token = await openSession(app.db, coordinatorId);
  const session = await findSession(app.db, token);
  return app.http.inject({
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
  const { organisation } = await organisationWithCounsellor(app.db);
  const coordinator = await staffMember(app.db, organisation.slug, "coordinator", { locale: "nl" });
  const colleague = await staffMember(app.db, organisation.slug, "coordinator");
  const refused = await invite(coordinator.id, { name: "X", email: colleague.email, role: "counsellor" });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain("Deze persoon heeft al een wachtwoord ingesteld");
  expect(refused.body).not.toContain("set-password?token=");
  const stored = await app.db.counsellor.findUniqueOrThrow({ where: { id: colleague.id } });
  expect(stored).toMatchObject({ role: "coordinator", inviteTokenHash: null });
});

test("an e-mail of another organisation reads as one that cannot be invited", async () => {
  const { organisation } = await organisationWithCounsellor(app.db);
  const other = await organisationWithCounsellor(app.db);
  const coordinator = await staffMember(app.db, organisation.slug, "coordinator", { locale: "fr" });
  const refused = await invite(coordinator.id, { name: "X", email: other.counsellor.email, role: "steward" });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain("Cette adresse e-mail ne peut pas être invitée.");
  expect(refused.body).not.toContain("autre organisation");
});
