/**
 * The whole route table, read from fastify: every console page and /api/v1 route answers 401
 * without a session or token, and 404 to a member of organisation B for every id of
 * organisation A (every row of every table that A's world created). A new route is walked the day
 * it is added; one that changes state needs a sample body below, or this test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addCaseNote } from "../../src/domain/cases/case-notes.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { type RouteEntry, routeTable } from "../support/route-table.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

/** Routes anyone may open: sign-in, static files, the bot's own doors. */
const PUBLIC = [
  /^\/(healthz|readyz)$/,
  /^\/chat(\/|$)/,
  /^\/telegram\//,
  /^\/api\/messages$/,
  /^\/console$/,
  /^\/console\/(sign-in|sign-out|set-password)$/,
  /^\/console\/assets\//,
  /^\/console\/oidc\//,
  /^\/api\/v1\/openapi\.json$/,
];

/** A body each state-changing route accepts, so the only reason left to refuse is the scope. */
const SAMPLE_BODIES: Record<string, (a: World) => Record<string, unknown>> = {
  "POST /api/v1/leads/:caseId/assign": (a) => ({ counsellorEmail: a.counsellor.email }),
  "POST /console/leads/:caseId/assign": (a) => ({ counsellorEmail: a.counsellor.email }),
  "POST /console/cases/:id/notes": () => ({ text: "a note" }),
  "POST /console/cases/:id/erase": () => ({
    submission: "0b8f2f3e-8a51-4c6e-9d0c-1f2a3b4c5d6e",
    confirm: "yes",
  }),
  "POST /api/v1/cases/:id/erase": () => ({ confirm: true }),
  "POST /console/staff/:id/deactivate": () => ({}),
  "POST /api/v1/cases/:id/messages": () => ({ text: "hello" }),
  "POST /api/v1/handovers/:id/hand-back": () => ({}),
  "POST /api/v1/tasks/:id/done": () => ({}),
  "POST /api/v1/tasks/:id/reassign": (a) => ({ staffEmail: a.counsellor.email }),
  "POST /console/cases/:id/messages": () => ({ kind: "text", text: "hello" }),
  "POST /console/handovers/:id/hand-back": () => ({}),
  "POST /console/tasks/:id/done": () => ({}),
  "POST /console/tasks/:id/reassign": (a) => ({ staffEmail: a.counsellor.email }),
  "POST /console/vacancies/:id": () => ({ ...VACANCY, text_en: "A job" }),
  "PUT /api/v1/vacancies/:id": () => ({ ...VACANCY, texts: { en: "A job" } }),
  "POST /console/vacancies/:id/send": () => ({}),
  "POST /api/v1/vacancies/:id/send": () => ({}),
  "POST /console/vacancies/:id/visit": () => VISIT,
  "PUT /api/v1/vacancies/:id/visit": () => ({ ...VISIT, slots: 2, minutes: 20 }),
  "POST /api/v1/cases/:id/appointments": () => ({
    at: "2099-03-29 10:00",
    purpose: "intake",
    location: "Office",
    withWhom: "An",
  }),
  "POST /api/v1/appointments/:id/move": () => ({ at: "2099-03-30 10:00" }),
  "POST /api/v1/appointments/:id/cancel": () => ({}),
  "POST /api/v1/cases/:id/placements": () => ({
    employer: "Bakery",
    job: "baker",
    contractType: "fixed",
    startDate: "2099-01-04",
  }),
  "POST /api/v1/placements/:id/end": () => ({ endedOn: "2099-02-01" }),
  "POST /console/cases/:id/appointments": () => ({
    date: "2099-03-29",
    time: "10:00",
    purpose: "intake",
    location: "Office",
    withWhom: "An",
  }),
  "POST /console/appointments/:id/move": () => ({ date: "2099-03-30", time: "10:00" }),
  "POST /console/appointments/:id/cancel": () => ({}),
  "POST /console/cases/:id/placements": () => ({
    employer: "Bakery",
    job: "baker",
    contractType: "fixed",
    startDate: "2099-01-04",
  }),
  "POST /console/placements/:id/end": () => ({ endedOn: "2099-02-01" }),
  "POST /console/voice/:locale|:id/approve": () => ({}),
  "POST /console/voice/:locale|:id/delete": () => ({}),
  "POST /api/v1/broadcasts/:id/cancel": () => ({}),
  "POST /console/broadcasts/:id/cancel": () => ({}),
};

/** A company visit the visit routes accept. */
const VISIT = {
  date: "2099-03-01",
  firstSlot: "10:00",
  slots: "2",
  minutes: "20",
  place: "Rue Wayez 12",
  host: "HR",
};

/** The fields of a vacancy every vacancy route accepts. */
const VACANCY = {
  employer: "Bakery",
  jobCode: "baker",
  contractCode: "open_ended",
  municipality: "Molenbeek",
  hours: "part_time",
};

/** Live streams (server-sent events) never end: walked for 401 and 404, not read as lists. */
const STREAMS = /\/events$/;

/** Changes state but takes no id of A: checked for 401 only. */
const NO_IDS = new Set([
  // A recording's slot is a language and a message key of the bot's own words, no organisation's row.
  "POST /console/voice/:locale|:id/:messageKey",
  // A new vacancy is the staff member's organisation's; the form names nobody else's row.
  "POST /api/v1/vacancies",
  "POST /console/vacancies",
  "POST /console/vacancies/preview",
  // The staff member's own account.
  "POST /console/me/teams-cards",
  "POST /console/me/teams-code",
  "POST /console/me/teams-unlink",
]);

/**
 * GET routes whose parameter is no row of A's: a voice recording is the bot's own words, shared
 * by every organisation (no organisation's row; its slot could clash with other test files').
 */
const NO_OWN_ID = new Set<string>(["GET /console/voice/:locale|:id/audio"]);

/**
 * Bodies naming A's rows for the routes that take them in the body, one refusal each: none may
 * reach A's clients (a count is theirs too) or change A's rows.
 */
const CROSS_BODIES: Record<string, (a: World) => Record<string, unknown>[]> = {
  "POST /api/v1/broadcasts": (a) => apiBroadcasts(a),
  "POST /api/v1/broadcasts/preview": (a) => apiBroadcasts(a),
  "POST /console/broadcasts": (a) => consoleBroadcasts(a),
  "POST /console/broadcasts/preview": (a) => consoleBroadcasts(a),
  "POST /console/cases": (a) => [{ programme: a.programme.slug, reference: "from B" }],
  "POST /console/staff/invite": (a) => [
    { email: a.counsellor.email, name: "Taken Over", role: "coordinator" },
  ],
};

const apiBroadcasts = (a: World) => [
  { segment: { programme: [a.programme.slug] }, texts: { ar: "x" } },
  { segment: { list: a.listName }, texts: { ar: "x" } },
  { kind: "job_update", vacancyId: a.vacancy.id, texts: { ar: "x" } },
];
const consoleBroadcasts = (a: World) => [
  { programme: a.programme.slug, text_ar: "x" },
  { list: a.listName, text_ar: "x" },
];

/** A list read with a query naming A's rows (parameters a list does not take are ignored or refused). */
const crossQuery = (a: World) =>
  new URLSearchParams({
    programme: a.programme.slug,
    list: a.listName,
    counsellor: a.counsellor.email,
    assignee: a.counsellor.email,
    staff: a.counsellor.email,
    language: "ar",
  }).toString();

let bed: TestBed;
type World = Awaited<ReturnType<typeof organisationA>>;

async function organisationA() {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const client = await consentedClient(bed.app.db, { locale: "ar" });
  const lead = await bed.app.db.case.create({
    data: {
      clientId: client.id,
      programmeId: programme.id,
      status: "lead",
      linkedAt: new Date(),
      broughtInById: steward.id,
    },
  });
  const owned = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  await bed.app.db.case.update({ where: { id: owned.id }, data: { clientId: client.id } });
  await bed.app.db.appointment.create({
    data: {
      caseId: owned.id,
      startsAt: new Date(Date.now() + 86_400_000),
      location: "Office",
      withWhom: "An",
      purpose: "intake",
    },
  });
  const placement = await bed.app.db.placement.create({
    data: {
      caseId: owned.id,
      employer: "Bakery",
      job: "baker",
      startDate: new Date(),
      contractType: "fixed",
    },
  });
  await bed.app.db.checkIn.create({
    data: { placementId: placement.id, point: "week_1", dueAt: new Date() },
  });
  await addCaseNote(bed.app.db, counsellor.identity, owned.id, "prefers mornings");
  const conversation = await bed.app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
  const handover = await bed.app.db.handover.create({
    data: {
      conversationId: conversation.id,
      caseId: owned.id,
      organisationId: organisation.id,
      reason: "words",
    },
  });
  await bed.app.db.counsellorTask.create({
    data: {
      caseId: owned.id,
      organisationId: organisation.id,
      kind: "handover",
      data: { handoverId: handover.id },
    },
  });
  const vacancy = await bed.app.db.vacancy.create({
    data: {
      ...VACANCY,
      organisationId: organisation.id,
      sector: "kitchen_pastry",
      shifts: ["day"],
      texts: { ar: "خبز" },
    },
  });
  await bed.app.db.jobAlert.create({ data: { vacancyId: vacancy.id, clientId: client.id, locale: "ar" } });
  const broadcast = await bed.app.db.broadcast.create({
    data: {
      organisationId: organisation.id,
      counsellorId: counsellor.id,
      segment: { programme: [programme.slug] },
      texts: { ar: "ورشة يوم الخميس" },
      sendAt: new Date(Date.now() + 86_400_000),
    },
  });
  await bed.app.db.broadcastRecipient.create({
    data: { broadcastId: broadcast.id, conversationId: conversation.id, caseId: owned.id, locale: "ar" },
  });
  const listName = `Tuesday group ${organisation.slug}`;
  await bed.app.db.savedList.create({
    data: { organisationId: organisation.id, name: listName, caseIds: [owned.id] },
  });
  await bed.app.db.assessment.create({
    data: {
      clientId: client.id,
      caseId: owned.id,
      flowId: "assessment",
      flowVersion: 1,
      answers: {},
      readiness: {},
    },
  });
  const visit = await bed.app.db.companyVisit.create({
    data: { vacancyId: vacancy.id, place: "Rue 1", host: "HR" },
  });
  await bed.app.db.visitSlot.create({
    data: { visitId: visit.id, startsAt: new Date(Date.now() + 86_400_000) },
  });
  return {
    organisation,
    programme,
    counsellor,
    steward,
    coordinator,
    client,
    lead,
    owned,
    vacancy,
    broadcast,
    listName,
  };
}

/** Every text id of every table (Prisma's cuid ids), to tell what one organisation's world made. */
async function allIds(): Promise<Set<string>> {
  const tables = await bed.app.db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'id' AND data_type = 'text'`;
  const ids = new Set<string>();
  for (const { table_name } of tables) {
    const rows = await bed.app.db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM "${table_name.replaceAll('"', "")}"`,
    );
    for (const row of rows) ids.add(row.id);
  }
  return ids;
}

let a: World;
let aIds: string[];
let b: { coordinator: Awaited<ReturnType<typeof staffMember>>; cookie: string; csrf: string };
let routes: RouteEntry[];

beforeAll(async () => {
  bed = await startTestBed();
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const token = await openSession(bed.app.db, coordinator.id);
  const session = await findSession(bed.app.db, token);
  b = { coordinator, cookie: `ceb_session=${token}`, csrf: session?.csrfToken ?? "" };
  const before = await allIds();
  a = await organisationA();
  aIds = [...(await allIds())].filter((id) => !before.has(id));
  routes = routeTable(bed.app.http).filter((r) => !PUBLIC.some((p) => p.test(r.url)));
});
afterAll(() => bed?.close());

// fastify prints two routes' parameters at one place as one (`:locale|:id`): one id fills both.
const fill = (url: string, id: string) =>
  url.replace(/:[A-Za-z0-9_]+(\|:[A-Za-z0-9_]+)*/g, encodeURIComponent(id));
const key = (r: RouteEntry) => `${r.method} ${r.url}`;

describe("the whole route table", () => {
  it("holds the console and API routes it should (the walk is not empty)", () => {
    expect(routes.map(key)).toEqual(
      expect.arrayContaining(["GET /api/v1/leads", "GET /console/cases/:id", "GET /console/vacancies/:id"]),
    );
    expect(aIds.length).toBeGreaterThan(8);
  });

  it("answers 401 to every staff route without a session or token", async () => {
    for (const route of routes) {
      const response = await bed.app.http.inject({
        method: route.method as "GET",
        url: fill(route.url, a.owned.id),
        headers: { "hx-request": "true", "content-type": "application/json" },
        ...(route.method === "GET" ? {} : { payload: "{}" }),
      });
      expect(response.statusCode, key(route)).toBe(401);
    }
  });

  it("answers 404 to organisation B's coordinator for every id of organisation A", async () => {
    for (const route of routes.filter((r) => r.url.includes(":") && !NO_IDS.has(key(r)))) {
      const sample = SAMPLE_BODIES[key(route)];
      if (route.method !== "GET" && !sample)
        throw new Error(`add a sample body for ${key(route)} to SAMPLE_BODIES`);
      const api = route.url.startsWith("/api/");
      for (const id of aIds) {
        const response = await bed.app.http.inject({
          method: route.method as "GET",
          url: fill(route.url, id),
          headers: api
            ? { ...bearer(b.coordinator), "content-type": "application/json" }
            : {
                cookie: b.cookie,
                "x-csrf-token": b.csrf,
                "content-type": "application/x-www-form-urlencoded",
              },
          ...(sample
            ? {
                payload: api
                  ? JSON.stringify(sample(a))
                  : new URLSearchParams(sample(a) as Record<string, string>).toString(),
              }
            : {}),
        });
        expect(response.statusCode, `${key(route)} with ${id}`).toBe(404);
      }
    }
    // Nobody of A was erased by B (the erase routes are walked with every id of A).
    expect(await bed.app.db.client.count({ where: { id: a.client.id } })).toBe(1);
    const untouched = await bed.app.db.case.findUniqueOrThrow({ where: { id: a.lead.id } });
    expect(untouched.counsellorId).toBeNull();
    expect(await bed.app.db.caseNote.count({ where: { caseId: a.owned.id } })).toBe(1);
    expect((await bed.app.db.broadcast.findUniqueOrThrow({ where: { id: a.broadcast.id } })).status).toBe(
      "scheduled",
    );
    expect(
      (await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: a.counsellor.id } })).deactivatedAt,
    ).toBeNull();
  }, 180_000); // every route × every id: it grows with the route table

  // The positive control of the 404s above: a route that answered 404 to everyone would pass them.
  it("opens every GET route with an id for organisation A's own coordinator, for some id of A", async () => {
    const token = await openSession(bed.app.db, a.coordinator.id);
    const own = { api: bearer(a.coordinator), console: { cookie: `ceb_session=${token}` } };
    const unopened: string[] = [];
    for (const route of routes.filter((r) => r.method === "GET" && r.url.includes(":"))) {
      if (STREAMS.test(route.url) || NO_OWN_ID.has(key(route))) continue;
      const headers = route.url.startsWith("/api/") ? own.api : own.console;
      let opened = false;
      for (const id of aIds) {
        const response = await bed.app.http.inject({ url: fill(route.url, id), headers });
        if (response.statusCode < 400) {
          opened = true;
          break;
        }
      }
      if (!opened) unopened.push(key(route));
    }
    expect(unopened).toEqual([]);
  }, 120_000);

  it("shows organisation B none of A's ids in any list, even asked for A's programme, list or staff", async () => {
    for (const route of routes.filter(
      (r) => r.method === "GET" && !r.url.includes(":") && !STREAMS.test(r.url),
    )) {
      const api = route.url.startsWith("/api/");
      const headers = api ? bearer(b.coordinator) : { cookie: b.cookie };
      const response = await bed.app.http.inject({ url: route.url, headers });
      expect(response.statusCode, key(route)).toBeLessThan(400);
      const asked = await bed.app.http.inject({ url: `${route.url}?${crossQuery(a)}`, headers });
      expect(asked.statusCode, `${key(route)}?…`).toBeLessThan(500);
      for (const id of aIds) {
        expect(response.body.includes(id), `${key(route)} shows ${id}`).toBe(false);
        expect(asked.body.includes(id), `${key(route)}?… shows ${id}`).toBe(false);
      }
    }
  });

  it("lets no body that names A's programme, list, vacancy or staff reach them", async () => {
    const withoutIds = routes.filter(
      (r) => r.method !== "GET" && !r.url.includes(":") && !NO_IDS.has(key(r)),
    );
    const casesOfA = () => bed.app.db.case.count({ where: { programmeId: a.programme.id } });
    const [cases, broadcasts] = [
      await casesOfA(),
      await bed.app.db.broadcast.count({ where: { organisationId: a.organisation.id } }),
    ];
    for (const route of withoutIds) {
      const bodies = CROSS_BODIES[key(route)];
      if (!bodies) throw new Error(`add ${key(route)} to CROSS_BODIES (bodies naming A's rows) or to NO_IDS`);
      const api = route.url.startsWith("/api/");
      for (const body of bodies(a)) {
        const response = await bed.app.http.inject({
          method: route.method as "POST",
          url: route.url,
          headers: api
            ? { ...bearer(b.coordinator), "content-type": "application/json" }
            : {
                cookie: b.cookie,
                "x-csrf-token": b.csrf,
                "content-type": "application/x-www-form-urlencoded",
              },
          payload: api
            ? JSON.stringify(body)
            : new URLSearchParams(body as Record<string, string>).toString(),
        });
        const what = `${key(route)} ${JSON.stringify(body)}`;
        expect(response.statusCode, what).toBeLessThan(500);
        expect(response.body, what).not.toMatch(/"recipients":\s*[1-9]/);
        // An id the caller sent may come back in the refusal; no other may.
        for (const id of aIds.filter((id) => !what.includes(id)))
          expect(response.body.includes(id), `${what} shows ${id}`).toBe(false);
      }
    }
    expect(await casesOfA()).toBe(cases);
    expect(await bed.app.db.broadcast.count({ where: { organisationId: a.organisation.id } })).toBe(
      broadcasts,
    );
    const counsellor = await bed.app.db.counsellor.findUniqueOrThrow({ where: { id: a.counsellor.id } });
    expect([counsellor.name, counsellor.role, counsellor.inviteTokenHash]).toEqual([
      a.counsellor.name,
      "counsellor",
      null,
    ]);
  });
});
