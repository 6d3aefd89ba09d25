import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

async function world() {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  const client = await consentedClient(bed.app.db, { locale: "ro" });
  const lead = await bed.app.db.case.create({
    data: { clientId: client.id, programmeId: programme.id, status: "preparation", linkedAt: new Date() },
  });
  return { organisation, programme, coordinator, counsellor, steward, client, lead };
}

describe("/api/v1", () => {
  it("answers 401 without a session or token, and with a revoked or unknown one", async () => {
    const { counsellor } = await world();
    expect((await bed.app.http.inject({ url: "/api/v1/leads" })).statusCode).toBe(401);
    const unknown = await bed.app.http.inject({
      url: "/api/v1/leads",
      headers: { authorization: "Bearer ceb_nope" },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toHaveProperty("error");
    expect(
      (await bed.app.http.inject({ url: "/api/v1/leads", headers: bearer(counsellor) })).statusCode,
    ).toBe(200);
  });

  it("lists a lead whatever its status (the invisible-lead bug) and assigns it, telling the client", async () => {
    const { counsellor, lead, programme } = await world();
    const leads = (await bed.app.http.inject({ url: "/api/v1/leads", headers: bearer(counsellor) })).json();
    expect(leads.leads.map((l: { caseId: string }) => l.caseId)).toContain(lead.id);
    const conversation = await bed.app.db.conversation.findFirstOrThrow({
      where: { client: { cases: { some: { id: lead.id } } } },
    });
    await bed.app.db.conversation.update({ where: { id: conversation.id }, data: { locale: "ro" } });
    const assigned = await bed.app.http.inject({
      method: "POST",
      url: `/api/v1/leads/${lead.id}/assign`,
      headers: { ...bearer(counsellor), "content-type": "application/json" },
      payload: { counsellorEmail: counsellor.email },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ caseId: lead.id, programme: programme.slug, clientTold: true });
    const told = await bed.app.db.message.findFirstOrThrow({
      where: { conversationId: conversation.id, messageKey: "leads.counsellor_assigned" },
    });
    expect(told.text).toContain(counsellor.name);
    expect(told.text).toContain("consilierul");
    const after = (await bed.app.http.inject({ url: "/api/v1/leads", headers: bearer(counsellor) })).json();
    expect(after.leads.map((l: { caseId: string }) => l.caseId)).not.toContain(lead.id);
    const shown = (
      await bed.app.http.inject({ url: `/api/v1/cases/${lead.id}`, headers: bearer(counsellor) })
    ).json();
    expect(shown.counsellor.email).toBe(counsellor.email);
    expect(shown.statusHistory).toHaveLength(0);
  });

  it("lets a counsellor assign only to themselves, a coordinator to anyone, a steward not at all", async () => {
    const { counsellor, coordinator, steward, lead } = await world();
    const post = (who: { apiToken: string }, counsellorEmail: string) =>
      bed.app.http.inject({
        method: "POST",
        url: `/api/v1/leads/${lead.id}/assign`,
        headers: { ...bearer(who), "content-type": "application/json" },
        payload: { counsellorEmail },
      });
    expect((await post(counsellor, coordinator.email)).statusCode).toBe(403);
    expect((await post(steward, counsellor.email)).statusCode).toBe(404);
    await bed.app.db.case.update({ where: { id: lead.id }, data: { broughtInById: steward.id } });
    expect((await post(steward, counsellor.email)).statusCode).toBe(403);
    const done = await post(coordinator, counsellor.email);
    expect(done.statusCode, done.body).toBe(200);
    expect((await post(coordinator, counsellor.email)).statusCode).toBe(400);
  });

  it("answers 400 {error} for a body that is not JSON and {error, issues} for one that fails its schema", async () => {
    const { counsellor, lead } = await world();
    const notJson = await bed.app.http.inject({
      method: "POST",
      url: `/api/v1/leads/${lead.id}/assign`,
      headers: { ...bearer(counsellor), "content-type": "application/json" },
      payload: "{not json",
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toEqual({ error: expect.any(String) });
    const plain = await bed.app.http.inject({
      method: "POST",
      url: `/api/v1/leads/${lead.id}/assign`,
      headers: { ...bearer(counsellor), "content-type": "text/plain" },
      payload: "hello",
    });
    expect(plain.statusCode).toBe(400);
    const bad = await bed.app.http.inject({
      method: "POST",
      url: `/api/v1/leads/${lead.id}/assign`,
      headers: { ...bearer(counsellor), "content-type": "application/json" },
      payload: { counsellorEmail: "not an address" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: expect.any(String),
      issues: [expect.objectContaining({ path: ["counsellorEmail"] })],
    });
  });

  it("hides a case a steward did not bring in, and a counsellor-opened case stays out of the leads", async () => {
    const { organisation, programme, counsellor, steward } = await world();
    const opened = await createCase(bed.app.db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    expect(
      (await bed.app.http.inject({ url: `/api/v1/cases/${opened.id}`, headers: bearer(steward) })).statusCode,
    ).toBe(404);
    const seen = await bed.app.http.inject({
      url: `/api/v1/cases/${opened.id}`,
      headers: bearer(counsellor),
    });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ id: opened.id, status: "lead", programme: programme.slug });
    expect(organisation.slug).toBeTruthy();
  });

  it("documents every route in openapi.json", async () => {
    const doc = (await bed.app.http.inject({ url: "/api/v1/openapi.json" })).json();
    expect(doc.openapi).toBe("3.0.3");
    expect(
      doc.paths["/api/v1/leads/{caseId}/assign"].post.requestBody.content["application/json"].schema
        .properties,
    ).toHaveProperty("counsellorEmail");
    expect(doc.paths["/api/v1/cases/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path" });
  });
});
