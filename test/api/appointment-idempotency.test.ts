/**
 * `POST /api/v1/cases/{id}/appointments` with an `Idempotency-Key`: a retry (even racing the first
 * call) sets no second appointment — so the client is told once — and answers with the first.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

test("the same key sets one appointment and answers with it; a colleague's same key is their own", async () => {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const colleague = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const { id: caseId } = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const body = {
    at: `${DateTime.now().plus({ days: 5 }).toISODate()} 10:00`,
    purpose: "intake",
    location: "Rue Haute 1, Bruxelles",
    withWhom: "Samir",
  };
  const post = (who: typeof counsellor, key: string) =>
    bed.app.http.inject({
      method: "POST",
      url: `/api/v1/cases/${caseId}/appointments`,
      headers: { ...bearer(who), "content-type": "application/json", "idempotency-key": key },
      payload: JSON.stringify(body),
    });
  const key = `retry-${Date.now()}`;
  const [first, again] = await Promise.all([post(counsellor, key), post(counsellor, key)]);
  expect(first.statusCode, first.body).toBe(201);
  expect(again.statusCode, again.body).toBe(201);
  expect(again.json().id).toBe(first.json().id);
  expect((await post(counsellor, key)).json().id).toBe(first.json().id);
  expect(await bed.app.db.appointment.count({ where: { caseId } })).toBe(1);
  expect((await post(colleague, key)).json().id).not.toBe(first.json().id);
  expect(await bed.app.db.appointment.count({ where: { caseId } })).toBe(2);
  const openapi = (await bed.app.http.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
  const parameters = openapi.paths["/api/v1/cases/{id}/appointments"].post.parameters ?? [];
  expect(parameters.map((p: { name: string }) => p.name.toLowerCase())).toContain("idempotency-key");
});
