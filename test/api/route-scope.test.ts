/**
 * The whole route table, read from fastify: every console page and /api/v1 route answers 401
 * without a session or token, and 404 to a member of organisation B for every id of
 * organisation A (every row of every table that A's world created). A new route is walked the day
 * it is added; one that changes state needs a sample body below, or this test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.ts";
import { addCaseNote } from "../../src/domain/cases/case-notes.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { type RouteEntry, routeTable } from "../support/route-table.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestApp } from "../support/test-app.ts";

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
  "POST /console/staff/invite",
  // A recording's slot is a language and a message key of the bot's own words, no organisation's row.
  "POST /console/voice/:locale|:id/:messageKey",
]);

let app: App;
type World = Awaited<ReturnType<typeof organisationA>>;

async function organisationA() {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const counsellor = await staffMember(app.db, organisation.slug, "counsellor");
  const steward = await staffMember(app.db, organisation.slug, "steward");
  const client = await consentedClient(app.db, { locale: "ar" });
  const lead = await app.db.case.create({
    data: {
      clientId: client.id,
      programmeId: programme.id,
      status: "lead",
      linkedAt: new Date(),
      broughtInById: steward.id,
    },
  });
  const owned = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  await app.db.case.update({ where: { id: owned.id }, data: { clientId: client.id } });
  await app.db.appointment.create({
    data: {
      caseId: owned.id,
      startsAt: new Date(Date.now() + 86_400_000),
      location: "Office",
      withWhom: "An",
      purpose: "intake",
    },
  });
  const placement = await app.db.placement.create({
    data: {
      caseId: owned.id,
      employer: "Bakery",
      job: "baker",
      startDate: new Date(),
      contractType: "fixed",
    },
  });
  await app.db.checkIn.create({ data: { placementId: placement.id, point: "week_1", dueAt: new Date() } });
  await addCaseNote(app.db, counsellor.identity, owned.id, "prefers mornings");
  const conversation = await app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
  const handover = await app.db.handover.create({
    data: {
      conversationId: conversation.id,
      caseId: owned.id,
      organisationId: organisation.id,
      reason: "words",
    },
  });
  await app.db.counsellorTask.create({
    data: {
      caseId: owned.id,
      organisationId: organisation.id,
      kind: "handover",
      data: { handoverId: handover.id },
    },
  });
  const vacancy = await app.db.vacancy.create({
    data: {
      ...VACANCY,
      organisationId: organisation.id,
      sector: "kitchen_pastry",
      shifts: ["day"],
      texts: { ar: "خبز" },
    },
  });
  await app.db.jobAlert.create({ data: { vacancyId: vacancy.id, clientId: client.id, locale: "ar" } });
  const broadcast = await app.db.broadcast.create({
    data: {
      organisationId: organisation.id,
      counsellorId: counsellor.id,
      segment: { programme: [programme.slug] },
      texts: { ar: "ورشة يوم الخميس" },
      sendAt: new Date(Date.now() + 86_400_000),
    },
  });
  await app.db.broadcastRecipient.create({
    data: { broadcastId: broadcast.id, conversationId: conversation.id, caseId: owned.id, locale: "ar" },
  });
  await app.db.savedList.create({
    data: { organisationId: organisation.id, name: "Tuesday group", caseIds: [owned.id] },
  });
  return { organisation, programme, counsellor, steward, client, lead, owned, vacancy, broadcast };
}

/** Every text id of every table (Prisma's cuid ids), to tell what one organisation's world made. */
async function allIds(): Promise<Set<string>> {
  const tables = await app.db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'id' AND data_type = 'text'`;
  const ids = new Set<string>();
  for (const { table_name } of tables) {
    const rows = await app.db.$queryRawUnsafe<{ id: string }[]>(
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
  app = await startTestApp();
  const { organisation } = await organisationWithCounsellor(app.db);
  const coordinator = await staffMember(app.db, organisation.slug, "coordinator");
  const token = await openSession(app.db, coordinator.id);
  const session = await findSession(app.db, token);
  b = { coordinator, cookie: `ceb_session=${token}`, csrf: session?.csrfToken ?? "" };
  const before = await allIds();
  a = await organisationA();
  aIds = [...(await allIds())].filter((id) => !before.has(id));
  routes = routeTable(app.http).filter((r) => !PUBLIC.some((p) => p.test(r.url)));
});
afterAll(async () => {
  await app?.close();
});

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
      const response = await app.http.inject({
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
        const response = await app.http.inject({
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
    const untouched = await app.db.case.findUniqueOrThrow({ where: { id: a.lead.id } });
    expect(untouched.counsellorId).toBeNull();
    expect(await app.db.caseNote.count({ where: { caseId: a.owned.id } })).toBe(1);
    expect((await app.db.broadcast.findUniqueOrThrow({ where: { id: a.broadcast.id } })).status).toBe(
      "scheduled",
    );
    expect(
      (await app.db.counsellor.findUniqueOrThrow({ where: { id: a.counsellor.id } })).deactivatedAt,
    ).toBeNull();
  }, 180_000); // every route × every id: it grows with the route table

  it("shows organisation B none of A's ids in any list", async () => {
    for (const route of routes.filter(
      (r) => r.method === "GET" && !r.url.includes(":") && !STREAMS.test(r.url),
    )) {
      const api = route.url.startsWith("/api/");
      const response = await app.http.inject({
        url: route.url,
        headers: api ? bearer(b.coordinator) : { cookie: b.cookie },
      });
      expect(response.statusCode, key(route)).toBeLessThan(400);
      for (const id of aIds) expect(response.body.includes(id), `${key(route)} shows ${id}`).toBe(false);
    }
  });
});
