/**
 * /api/v1/broadcasts over HTTP with a counsellor's token: the preview counts a mixed-language
 * segment per language and names the languages still without a text; a broadcast is refused
 * (400, nothing created) while one has neither a text nor a fallback, and accepted once it has;
 * a time in quiet hours moves to their end; the report and cancel work on it; a steward gets 403.
 * No worker runs: the broadcast waits for its time (tomorrow night, moved to the morning after).
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, test } from "vitest";
import { previewStored } from "../../src/domain/broadcasts/broadcasts.ts";
import { broadcastOrganisation, type MemberSpec } from "../domain/broadcasts/segment-fixture.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

const SPECS: MemberSpec[] = [
  { locale: "ro" },
  { locale: "ro" },
  { locale: "ro" },
  { locale: "ar" },
  { locale: "ar" },
  { locale: "rom" },
  { locale: "ro", conversation: "opted_out" },
  { locale: "ro", conversation: "blocked" },
  { locale: "bg", programme: "b" },
];

async function world() {
  const org = await broadcastOrganisation(bed.app.db, SPECS);
  const counsellor = await staffMember(bed.app.db, org.organisation.slug, "counsellor");
  const call = (method: "GET" | "POST", url: string, body?: unknown, who = counsellor, key?: string) =>
    bed.app.http.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...bearer(who),
        "content-type": "application/json",
        ...(key ? { "idempotency-key": key } : {}),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  return { ...org, counsellor, call, segment: { programme: [org.programmes.a.slug] } };
}

test("the preview counts the segment per language and names the languages without a text", async () => {
  const { call, segment } = await world();
  const response = await call("POST", "/broadcasts/preview", {
    segment,
    texts: { ro: "Atelier joi la 10." },
  });
  expect(response.statusCode, response.body).toBe(200);
  const preview = response.json();
  expect(preview.byLanguage).toEqual([
    { locale: "ro", people: 3, textLocale: "ro" },
    { locale: "ar", people: 2, textLocale: null },
    { locale: "rom", people: 1, textLocale: null },
  ]);
  expect(preview.missing).toEqual([
    { locale: "ar", people: 2 },
    { locale: "rom", people: 1 },
  ]);
  expect(preview).toMatchObject({ recipients: 3, optedOut: 1, blocked: 1, noConversation: 0 });
  expect(preview.quietHours).toEqual({ start: "21:00", end: "08:00" });
  // No text at all is a preview too: every language is missing.
  const empty = (await call("POST", "/broadcasts/preview", { segment })).json();
  expect(empty.recipients).toBe(0);
  expect(empty.missing.map((m: { locale: string }) => m.locale)).toEqual(["ro", "ar", "rom"]);
});

test("refused while a language has neither a text nor a fallback; then created, moved out of quiet hours, reported and cancelled", async () => {
  const { call, segment, organisation } = await world();
  const tomorrow = DateTime.now().setZone("Europe/Brussels").plus({ days: 1 });
  const at = `${tomorrow.toISODate()} 23:00`;
  const refused = await call("POST", "/broadcasts", { segment, at, texts: { ro: "Atelier joi la 10." } });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error).toBe(
    "No text for ar (2 people), rom (1 person). Add a text in each, or an explicit fallback such as ar=fr.",
  );
  expect(await bed.app.db.broadcast.count({ where: { organisationId: organisation.id } })).toBe(0);

  const created = await call("POST", "/broadcasts", {
    segment,
    at,
    kind: "job_update",
    texts: { ro: "Atelier joi la 10.", ar: "ورشة يوم الخميس الساعة 10." },
    fallbacks: { rom: "ro" },
  });
  expect(created.statusCode, created.body).toBe(201);
  const body = created.json();
  const morning = tomorrow.plus({ days: 1 }).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
  expect(new Date(body.sendAt).toISOString()).toBe(morning.toUTC().toISO());
  expect(body.preview).toMatchObject({ recipients: 6, movedOutOfQuietHours: true, missing: [] });

  const list = (await call("GET", "/broadcasts")).json().broadcasts;
  expect(list.map((b: { id: string }) => b.id)).toEqual([body.id]);
  const report = (await call("GET", `/broadcasts/${body.id}`)).json();
  expect(report).toMatchObject({
    broadcast: { id: body.id, status: "scheduled", kind: "job_update" },
    sent: 0,
    replied: [],
  });

  const cancelled = await call("POST", `/broadcasts/${body.id}/cancel`, {});
  expect(cancelled.json()).toEqual({ withdrawn: 0, notWritten: 0 });
  expect((await call("GET", `/broadcasts/${body.id}`)).json().broadcast.status).toBe("cancelled");
  expect((await call("POST", `/broadcasts/${body.id}/cancel`, {})).statusCode).toBe(400);
});

test("with an Idempotency-Key a retried POST creates no second broadcast and answers with the first", async () => {
  const { call, segment, organisation, counsellor } = await world();
  const colleague = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const tomorrow = DateTime.now().setZone("Europe/Brussels").plus({ days: 1 });
  const body = {
    segment,
    at: `${tomorrow.toISODate()} 10:00`,
    texts: { ro: "Atelier joi la 10.", ar: "ورشة يوم الخميس الساعة 10." },
    fallbacks: { rom: "ro" },
  };
  const key = `retry-${Date.now()}`;
  const [first, again] = await Promise.all([
    call("POST", "/broadcasts", body, counsellor, key),
    call("POST", "/broadcasts", body, counsellor, key),
  ]);
  expect(first.statusCode, first.body).toBe(201);
  expect(again.statusCode, again.body).toBe(201);
  expect(again.json().id).toBe(first.json().id);
  expect(first.json().preview).toMatchObject({ recipients: 6, missing: [] });
  expect((await call("POST", "/broadcasts", body, counsellor, key)).json().id).toBe(first.json().id);
  // A retry whose body differs still answers with the first broadcast: its own preview, not the body's.
  const changed = await call(
    "POST",
    "/broadcasts",
    { ...body, texts: { ro: "Alt text." }, fallbacks: {} },
    counsellor,
    key,
  );
  expect(changed.json()).toMatchObject({ id: first.json().id, preview: first.json().preview });
  expect(await bed.app.db.broadcast.count({ where: { organisationId: organisation.id } })).toBe(1);
  // The key is the staff member's: a colleague's same string is their own broadcast.
  const theirs = await call("POST", "/broadcasts", body, colleague, key);
  expect(theirs.json().id).not.toBe(first.json().id);
  expect(await bed.app.db.broadcast.count({ where: { organisationId: organisation.id } })).toBe(2);
  const bad = await call("POST", "/broadcasts", body, counsellor, "no spaces allowed");
  expect(bad.statusCode).toBe(400);
  const openapi = (await bed.app.http.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
  const parameters = openapi.paths["/api/v1/broadcasts"].post.parameters ?? [];
  expect(parameters.map((p: { name: string }) => p.name.toLowerCase())).toContain("idempotency-key");
});

test("a body that fails its schema is 400 with issues; a steward gets 403", async () => {
  const { call, segment, organisation } = await world();
  const bad = await call("POST", "/broadcasts/preview", { segment: { language: ["xx"] }, texts: {} });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().issues[0].path).toEqual(["segment", "language", "0"]);
  const unknown = await call("POST", "/broadcasts", {
    segment,
    texts: { ro: "x" },
    organisationSlug: "other",
  });
  expect(unknown.statusCode).toBe(400);
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  expect((await call("GET", "/broadcasts", undefined, steward)).statusCode).toBe(403);
  expect((await call("POST", "/broadcasts/preview", { segment }, steward)).statusCode).toBe(403);
});

test("a stored broadcast's preview is of its own time: a retry during quiet hours, or after it was sent, is neither 'moved' nor refused", async () => {
  const { call, segment, organisation, counsellor } = await world();
  const tomorrow = DateTime.now().setZone("Europe/Brussels").plus({ days: 1 });
  const body = {
    segment,
    at: `${tomorrow.toISODate()} 10:00`,
    texts: { ro: "Atelier.", ar: "ورشة." },
    fallbacks: { rom: "ro" },
  };
  const first = (await call("POST", "/broadcasts", body, counsellor, `own-time-${Date.now()}`)).json();
  const stored = await bed.app.db.broadcast.findUniqueOrThrow({ where: { id: first.id } });
  const sender = { organisationSlug: organisation.slug, counsellorEmail: counsellor.email };
  const deps = { db: bed.app.db, queue: bed.app.broadcastQueue, defaultTimeZone: "Europe/Brussels" };
  // The clock at 23:00 the night before (quiet hours), then a day after it went out.
  for (const at of [tomorrow.minus({ days: 1 }).set({ hour: 23 }), tomorrow.plus({ days: 1 })]) {
    const preview = await previewStored({ ...deps, now: () => at.toJSDate() }, stored, sender);
    expect(preview, at.toISO() ?? "").toMatchObject({
      movedOutOfQuietHours: false,
      recipients: first.preview.recipients,
    });
    expect(preview.sendAt.toISOString()).toBe(stored.sendAt.toISOString());
  }
});
