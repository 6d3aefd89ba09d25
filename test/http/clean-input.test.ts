/**
 * No string a staff member or a script sends can earn a 500: NUL and the other control characters
 * are taken out of every console and API request (src/http/clean-input.ts) before validation.
 * Walked over the whole route table: `%00` in every path parameter and in the query, and a NUL in
 * every field of a body, as a coordinator who may open everything of their organisation.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { routeTable } from "../support/route-table.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
let coordinator: Awaited<ReturnType<typeof staffMember>>;
let headers: Record<string, string>;

beforeAll(async () => {
  bed = await startTestBed();
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const token = await openSession(bed.app.db, coordinator.id);
  const csrf = (await findSession(bed.app.db, token))?.csrfToken ?? "";
  headers = { cookie: `ceb_session=${token}`, "x-csrf-token": csrf };
});
afterAll(() => bed?.close());

const NUL = "\u0000";
/** Fields the forms and bodies take, each with a NUL in it. */
const FIELDS = ["text", "reference", "name", "email", "employer", "programme", "date", "time", "at", "kind"];

test("a NUL anywhere in any staff request is not a 5xx", async () => {
  const routes = routeTable(bed.app.http).filter(
    (r) => /^\/(console|api\/v1)\//.test(r.url) && !r.url.endsWith("/events"),
  );
  expect(routes.length).toBeGreaterThan(40);
  const failures: string[] = [];
  for (const route of routes) {
    const api = route.url.startsWith("/api/");
    const url = `${route.url.replace(/:[A-Za-z0-9_]+(\|:[A-Za-z0-9_]+)*/g, "%00x")}?q=%00&page=%00`;
    const body = Object.fromEntries(FIELDS.map((f) => [f, `a${NUL}b`]));
    const response = await bed.app.http.inject({
      method: route.method as "GET",
      url,
      headers: api
        ? { ...bearer(coordinator), "content-type": "application/json" }
        : { ...headers, "content-type": "application/x-www-form-urlencoded" },
      ...(route.method === "GET"
        ? {}
        : { payload: api ? JSON.stringify(body) : new URLSearchParams(body).toString() }),
    });
    if (response.statusCode >= 500) failures.push(`${route.method} ${route.url}: ${response.statusCode}`);
  }
  expect(failures).toEqual([]);
});

test("a note with a NUL pasted into it is kept without the NUL", async () => {
  const { programme } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(
    bed.app.db,
    (await bed.app.db.organisation.findUniqueOrThrow({ where: { id: programme.organisationId } })).slug,
    "counsellor",
  );
  const made = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const token = await openSession(bed.app.db, counsellor.id);
  const csrf = (await findSession(bed.app.db, token))?.csrfToken ?? "";
  const response = await bed.app.http.inject({
    method: "POST",
    url: `/console/cases/${made.id}/notes`,
    headers: {
      cookie: `ceb_session=${token}`,
      "x-csrf-token": csrf,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams({ text: `prefers${NUL} mornings` }).toString(),
  });
  expect(response.statusCode).toBe(303);
  const notes = await bed.app.db.caseNote.findMany({ where: { caseId: made.id } });
  expect(notes.map((n) => n.text)).toEqual(["prefers mornings"]);
  const api = await bed.app.http.inject({
    method: "POST",
    url: `/api/v1/cases/${made.id}/notes`,
    headers: { ...bearer(counsellor), "content-type": "application/json" },
    payload: JSON.stringify({ text: `by${NUL} script` }),
  });
  expect(api.statusCode).toBeLessThan(500);
});
