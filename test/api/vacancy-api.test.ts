/** /api/v1/vacancies: the lists, posting from them (free text only as a last resort), the cards, roles. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";
import { cleaner, vacancyWorld } from "../support/vacancy-world.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

const VACANCY = {
  employer: "Boulangerie Dupont",
  jobCode: "baker",
  contractCode: "fixed_term",
  contractMonths: 6,
  municipality: "Schaerbeek",
  hours: "full_time",
  shifts: ["day"],
  texts: { ro: "Brutărie, de dimineață.", rom: "Manro, detehara." },
};

async function post(member: { apiToken: string }, body: unknown, method: "POST" | "PUT" = "POST", id = "") {
  return bed.app.http.inject({
    method,
    url: `/api/v1/vacancies${id ? `/${id}` : ""}`,
    headers: { ...bearer(member), "content-type": "application/json" },
    payload: JSON.stringify(body),
  });
}

describe("/api/v1/vacancies", () => {
  it("posts a vacancy from the lists and returns its cards in the client languages", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
    const created = await post(counsellor, VACANCY);
    expect(created.statusCode, created.body).toBe(201);
    const vacancy = created.json();
    expect(vacancy).toMatchObject({
      jobCode: "baker",
      sector: "kitchen_pastry",
      cvNeeded: false,
      employerHidden: true,
    });
    expect(vacancy.cards.ro.split("\n")[0]).toBe("💼 Loc de muncă nou: Brutar / cofetar");
    expect(Object.keys(vacancy.cards).sort()).toEqual(["ro", "rom"]);
    expect(JSON.stringify(vacancy.cards)).not.toContain("Dupont");

    const changed = await post(
      counsellor,
      { ...VACANCY, texts: { ...VACANCY.texts, ar: "مخبز" } },
      "PUT",
      vacancy.id,
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().cards.ar).toContain("خبّاز");
    const listed = await bed.app.http.inject({ url: "/api/v1/vacancies", headers: bearer(counsellor) });
    expect(listed.json().vacancies.map((v: { id: string }) => v.id)).toEqual([vacancy.id]);
  });

  it("refuses a title that is neither from the list nor free text, and one not on the list", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
    const { jobCode: _, ...noJob } = VACANCY;
    const missing = await post(counsellor, noJob);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().issues[0].path).toEqual(["jobCode"]);
    const unknown = await post(counsellor, { ...VACANCY, jobCode: "Nettoyeur" });
    expect(unknown.statusCode).toBe(400);
    const free = await post(counsellor, { ...noJob, job: "Glazenwasser", sector: "cleaning" });
    expect(free.statusCode, free.body).toBe(201);
    expect(free.json().cards.ro).toContain("Glazenwasser");
  });

  it("gives the lists in every client language; a steward gets 403", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
    const lists = await bed.app.http.inject({ url: "/api/v1/vacancy-lists", headers: bearer(coordinator) });
    expect(lists.statusCode).toBe(200);
    const cleaner = lists.json().jobTitles.find((j: { code: string }) => j.code === "cleaner");
    expect(cleaner).toMatchObject({
      sector: "cleaning",
      labels: { ro: "Lucrător la curățenie", ar: "عامل نظافة" },
    });
    const steward = await staffMember(bed.app.db, organisation.slug, "steward");
    expect((await post(steward, VACANCY)).statusCode).toBe(403);
    expect(
      (await bed.app.http.inject({ url: "/api/v1/vacancies", headers: bearer(steward) })).statusCode,
    ).toBe(403);
    const doc = await bed.app.http.inject({ url: "/api/v1/openapi.json" });
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(["/api/v1/vacancies/{id}"]));
  });

  it("lists the matches with reasons in my language and sends through the outbox, once", async () => {
    const world = await vacancyWorld(bed.app.db, [
      { name: "Ana", locale: "ro", answers: cleaner() },
      { name: "Ion", locale: "ro", answers: cleaner({ hours: "full_time" }) },
    ]);
    const counsellor = await staffMember(bed.app.db, world.organisation.slug, "counsellor", { locale: "nl" });
    const created = await post(counsellor, {
      ...VACANCY,
      jobCode: "cleaner",
      hours: "part_time",
      weekends: true,
    });
    const id = created.json().id;
    const matches = await bed.app.http.inject({
      url: `/api/v1/vacancies/${id}/matches`,
      headers: bearer(counsellor),
    });
    expect(matches.statusCode).toBe(200);
    const [first, second] = matches.json().candidates;
    expect(first).toMatchObject({
      caseId: world.people[0]?.caseId,
      included: true,
      locale: "ro",
      alert: null,
    });
    expect(first.codes).toContain("weekends_fit");
    expect(first.notes).toContain("beschikbaar in het weekend");
    expect(second).toMatchObject({ included: false, mayBeAdded: true, notes: ["wil Voltijds"] });

    const send = (body: unknown) =>
      bed.app.http.inject({
        method: "POST",
        url: `/api/v1/vacancies/${id}/send`,
        headers: { ...bearer(counsellor), "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
    const sent = await send({ include: [world.people[1]?.caseId, "not-ours"] });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      sent: [world.people[0]?.caseId, world.people[1]?.caseId],
      cannotAdd: ["not-ours"],
    });
    expect((await send({})).json().sent).toEqual([]);
    expect(
      await bed.app.db.message.count({
        where: {
          idempotencyKey: { startsWith: "job-alert:" },
          conversation: { clientId: world.people[0]?.clientId },
        },
      }),
    ).toBe(1);
    expect((await send({ bogus: true })).statusCode).toBe(400);
  });
});
