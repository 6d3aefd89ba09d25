/**
 * `POST /api/v1/cases/{id}/erase` and `case erase` on the command line, against the real app,
 * Postgres, Redis and the fake Telegram: the case's counsellor or a coordinator only (a colleague
 * and the steward 403, another organisation 404, no `confirm` 400); a repeat erases nothing more
 * and says so. A person with a case in a second organisation is erased there too (decision 0022):
 * both cases anonymised, one audit event in each organisation, the acting staff member named by
 * id only in their own, one erasure id in both; nothing of the person left in any table or key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { cliOnApp } from "../support/app-cli.ts";
import { erasureScan } from "../support/erasure-scan.ts";
import { erasureWorld } from "../support/erasure-world.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
}, 60_000);
afterAll(() => bed?.close());

const erase = (member: { apiToken: string }, caseId: string, body: unknown = { confirm: true }) =>
  bed.app.http.inject({
    method: "POST",
    url: `/api/v1/cases/${caseId}/erase`,
    headers: { ...bearer(member), "content-type": "application/json" },
    payload: JSON.stringify(body),
  });

const cli = (argv: string[]) => cliOnApp(bed.app, argv);

describe("POST /api/v1/cases/{id}/erase", () => {
  it("is the case's counsellor's or a coordinator's, confirmed; a repeat says nobody is left", async () => {
    const w = await erasureWorld(bed.app, bed.telegram);
    expect((await erase(w.colleague, w.caseId)).statusCode).toBe(403);
    expect((await erase(w.steward, w.caseId)).statusCode).toBe(403);
    expect((await erase(w.outsider, w.caseId)).statusCode).toBe(404);
    const unconfirmed = await erase(w.coordinator, w.caseId, { confirm: false });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().issues[0].path).toEqual(["confirm"]);
    expect(await bed.app.db.client.count({ where: { id: w.clientId } })).toBe(1);

    const first = await erase(w.coordinator, w.caseId);
    expect([first.statusCode, first.json()]).toEqual([
      200,
      { caseId: w.caseId, alreadyErased: false, told: 2 },
    ]);
    const again = await erase(w.owner, w.caseId);
    expect([again.statusCode, again.json()]).toEqual([
      200,
      { caseId: w.caseId, alreadyErased: true, told: 0 },
    ]);
    const events = await bed.app.db.auditEvent.findMany({
      where: { type: "client.erased", organisationId: w.organisation.id },
    });
    expect(events.map((e) => e.actor)).toEqual([w.coordinator.id]);
    const scan = erasureScan(bed.app);
    expect(await scan.columnsHolding(w.ids)).toEqual([]);
    expect(await scan.tablesHolding(w.needles)).toEqual([]);
  }, 60_000);

  it("erases the person in the other organisation too, and tells each organisation only its own", async () => {
    const w = await erasureWorld(bed.app, bed.telegram);
    const elsewhere = await staffMember(bed.app.db, w.other.organisation.slug, "counsellor");
    const theirs = await createCase(bed.app.db, {
      programmeSlug: w.other.programme.slug,
      counsellorEmail: elsewhere.email,
    });
    await w.user.say(`/start ${theirs.inviteCode}`);
    expect((await bed.app.db.case.findUniqueOrThrow({ where: { id: theirs.id } })).clientId).toBe(w.clientId);

    expect((await erase(w.owner, w.caseId)).json()).toMatchObject({ alreadyErased: false });
    for (const id of [w.caseId, theirs.id]) {
      const c = await bed.app.db.case.findUniqueOrThrow({ where: { id } });
      expect([c.clientId, c.reference, c.status], id).toEqual([null, null, "closed"]);
    }
    const event = async (organisationId: string) =>
      bed.app.db.auditEvent.findFirstOrThrow({ where: { type: "client.erased", organisationId } });
    const [ours, other] = [await event(w.organisation.id), await event(w.other.organisation.id)];
    expect(ours.actor).toBe(w.owner.id);
    expect(other.actor).toBe("staff");
    expect(other.data).toEqual({
      cases: [theirs.id],
      conversations: 2,
      erasure: (ours.data as { erasure: string }).erasure,
    });
    const otherText = JSON.stringify({ ...other, id: `${other.id}` });
    expect(otherText).not.toContain(w.owner.id);
    expect(otherText).not.toContain(w.caseId);
    const scan = erasureScan(bed.app);
    expect(await scan.columnsHolding(w.ids)).toEqual([]);
    expect(await scan.tablesHolding(w.needles)).toEqual([]);
    expect(await scan.redisKeysHolding(w.ids)).toEqual([]);
  }, 60_000);

  it("is in openapi.json", async () => {
    const doc = (await bed.app.http.inject({ url: "/api/v1/openapi.json" })).json();
    expect(
      Object.keys(doc.paths["/api/v1/cases/{id}/erase"] ?? doc.paths["/cases/{id}/erase"] ?? {}),
    ).toEqual(["post"]);
  });
});

describe("case erase (CLI)", () => {
  it("needs --as and --confirm, refuses the steward, erases once and says no last message went", async () => {
    const w = await erasureWorld(bed.app, bed.telegram);
    expect((await cli(["case", "erase", w.caseId, "--as", w.owner.email])).code).toBe(2);
    const steward = await cli(["case", "erase", w.caseId, "--as", w.steward.email, "--confirm"]);
    expect([steward.code, steward.stderr]).toEqual([
      1,
      expect.stringContaining("counsellor or a coordinator"),
    ]);
    const outsider = await cli(["case", "erase", w.caseId, "--as", w.outsider.email, "--confirm"]);
    expect(outsider.code).toBe(1);
    expect(await bed.app.db.client.count({ where: { id: w.clientId } })).toBe(1);

    const done = await cli(["case", "erase", w.caseId, "--as", w.owner.email, "--confirm", "--json"]);
    expect([done.code, JSON.parse(done.stdout)]).toEqual([
      0,
      { caseId: w.caseId, alreadyErased: false, told: 0, message: "not_sent" },
    ]);
    const again = await cli(["case", "erase", w.caseId, "--as", w.owner.email, "--confirm"]);
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining("Nothing left to erase")]);
    expect(await erasureScan(bed.app).columnsHolding(w.ids)).toEqual([]);
  }, 60_000);
});
