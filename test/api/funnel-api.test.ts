/**
 * `GET /api/v1/funnel` and `GET /api/v1/funnel.csv` through the real app: exact numbers for the
 * coordinator, small numbers protected in the CSV with no name or chat id, 403 for a counsellor,
 * 404 for another organisation's programme, 400 for a bad query, and both in openapi.json.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { funnelWorld } from "../support/funnel-world.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
let world: Awaited<ReturnType<typeof funnelWorld>>;
let coordinator: Awaited<ReturnType<typeof staffMember>>;

beforeAll(async () => {
  bed = await startTestBed();
  world = await funnelWorld(bed.app.db);
  coordinator = await staffMember(bed.app.db, world.organisation.slug, "coordinator");
});
afterAll(() => bed?.close());

const get = (url: string, member: { apiToken: string }) =>
  bed.app.http.inject({ url, headers: bearer(member) });

describe("GET /api/v1/funnel", () => {
  test("exact numbers for the coordinator", async () => {
    const response = await get(`/api/v1/funnel?programme=${world.programme.slug}`, coordinator);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.programme).toBe(world.programme.slug);
    expect(body.steps.map((s: { step: string; count: number }) => [s.step, s.count])).toEqual([
      ["reached", 20],
      ["consented", 12],
      ["assessed", 9], // preparation or later, by implication
      ["preparation", 9],
      ["training", 6], // training 3 + working 3
      ["placed", 3],
      ["working_1m", 3],
      ["working_3m", 3],
      ["working_6m", 0],
    ]);
    expect(body.steps[1]).toMatchObject({ eligible: 20, conversion: 0.6 });
    const arabic = await get(`/api/v1/funnel?programme=${world.programme.slug}&language=ar`, coordinator);
    expect(
      arabic
        .json()
        .steps.map((s: { count: number | null }) => s.count)
        .slice(0, 3),
    ).toEqual([null, 6, 6]);
  });

  test("a counsellor gets 403, another organisation's coordinator 404, a bad date 400, no token 401", async () => {
    const counsellor = await staffMember(bed.app.db, world.organisation.slug, "counsellor");
    expect((await get(`/api/v1/funnel?programme=${world.programme.slug}`, counsellor)).statusCode).toBe(403);
    expect((await get(`/api/v1/funnel.csv?programme=${world.programme.slug}`, counsellor)).statusCode).toBe(
      403,
    );
    const other = await funnelWorld(bed.app.db);
    const theirs = await staffMember(bed.app.db, other.organisation.slug, "coordinator");
    for (const url of ["/api/v1/funnel", "/api/v1/funnel.csv"]) {
      const response = await get(`${url}?programme=${world.programme.slug}`, theirs);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain("Person");
    }
    const bad = await get(`/api/v1/funnel?programme=${world.programme.slug}&from=2026-02-30`, coordinator);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toEqual(["from"]);
    expect((await bed.app.http.inject({ url: "/api/v1/funnel" })).statusCode).toBe(401);
  });
});

describe("GET /api/v1/funnel.csv", () => {
  test("figures with small numbers as < 5, and case rows, without names, chat ids or references", async () => {
    const figures = await get(`/api/v1/funnel.csv?programme=${world.programme.slug}`, coordinator);
    expect(figures.statusCode).toBe(200);
    expect(figures.headers["content-type"]).toContain("text/csv");
    expect(figures.body).toContain(",step,consented,12,20,0.6,");
    expect(figures.body).toContain(",step,placed,< 5,6,< 5,"); // 3 placed
    const rows = await get(`/api/v1/funnel.csv?programme=${world.programme.slug}&rows=cases`, coordinator);
    expect(rows.body.trimEnd().split("\r\n")).toHaveLength(13);
    const chats = await bed.app.db.conversation.findMany({
      where: { client: { cases: { some: { programmeId: world.programme.id } } } },
    });
    expect(chats).toHaveLength(12);
    for (const body of [figures.body, rows.body]) {
      expect(body).not.toMatch(/Person|Surname|REF-/);
      for (const id of world.caseIds) expect(body).not.toContain(id);
      for (const chat of chats) expect(body).not.toContain(chat.externalConversationId);
    }
  });

  test("both routes and their query are in openapi.json", async () => {
    const doc = (await bed.app.http.inject({ url: "/api/v1/openapi.json" })).json();
    for (const path of ["/api/v1/funnel", "/api/v1/funnel.csv"]) {
      const names = doc.paths[path].get.parameters.map((p: { name: string }) => p.name);
      expect(names, path).toEqual(
        expect.arrayContaining(["programme", "from", "to", "counsellor", "language", "place"]),
      );
    }
  });
});
