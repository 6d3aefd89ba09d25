/**
 * A counsellor's map link is http(s) or nothing: Telegram refuses a URL button of any other scheme
 * (the whole notice would fail) and the console shows it as a link. Refused with a clear message
 * by the domain (appointments, company visits) and with 400 and the field's issue by the API.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointmentDeps } from "../../src/console/scheduling-deps.ts";
import { createAppointment } from "../../src/domain/appointments/appointments.ts";
import { mapUrlSchema } from "../../src/domain/appointments/map-url.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { setCompanyVisit } from "../../src/domain/vacancies/company-visits.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

const REFUSED = [
  "javascript:alert(1)",
  "data:text/html,<b>x</b>",
  "htps://maps.example.org/x",
  "tg://resolve",
];
const GOOD = "https://www.openstreetmap.org/search?query=Rue%20Haute%201";
const CLEAR = /Invalid map url: must be a link starting with https:\/\/ or http:\/\//;
const inFiveDays = (time: string) => `${DateTime.now().plus({ days: 5 }).toISODate()} ${time}`;

async function world() {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const send = (method: "POST" | "PUT", url: string, body: unknown) =>
    bed.app.http.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...bearer(counsellor), "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
  return { caseId: created.id, send };
}

const appointment = (mapUrl: string) => ({
  at: inFiveDays("10:00"),
  purpose: "intake" as const,
  location: "Rue Haute 1, Bruxelles",
  withWhom: "Samir",
  mapUrl,
});

const visit = (mapUrl: string) => ({
  date: DateTime.now().plus({ days: 5 }).toISODate(),
  firstSlot: "10:00",
  slots: 2,
  minutes: 30,
  place: "Rue Haute 1, Bruxelles",
  host: "Mme Dupont",
  mapUrl,
});

describe("map links", () => {
  it("the schema takes http(s) only", () => {
    for (const url of REFUSED) expect(mapUrlSchema.safeParse(url).success, url).toBe(false);
    expect(mapUrlSchema.parse(GOOD)).toBe(GOOD);
    expect(mapUrlSchema.parse("http://maps.example.org/x")).toBe("http://maps.example.org/x");
  });

  it("an appointment refuses javascript: with a clear message, and keeps an https link", async () => {
    const { caseId } = await world();
    const deps = appointmentDeps(bed.app.http.consoleContext);
    await expect(createAppointment(deps, { caseId, ...appointment("javascript:alert(1)") })).rejects.toThrow(
      CLEAR,
    );
    const created = await createAppointment(deps, { caseId, ...appointment(GOOD) });
    expect(created.mapUrl).toBe(GOOD);
  });

  it("the API answers 400 naming mapUrl for an appointment or a visit, 201/200 for https", async () => {
    const { caseId, send } = await world();
    for (const url of REFUSED) {
      const refused = await send("POST", `/cases/${caseId}/appointments`, appointment(url));
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().issues[0].path).toEqual(["mapUrl"]);
    }
    const made = await send("POST", `/cases/${caseId}/appointments`, appointment(GOOD));
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().mapUrl).toBe(GOOD);

    const vacancy = await send("POST", "/vacancies", {
      employer: "Boulangerie Dupont",
      jobCode: "baker",
      contractCode: "fixed_term",
      contractMonths: 6,
      municipality: "Schaerbeek",
      hours: "full_time",
      shifts: ["day"],
      texts: { ro: "Brutărie, de dimineață." },
    });
    expect(vacancy.statusCode, vacancy.body).toBe(201);
    const id = vacancy.json().id;
    const refused = await send("PUT", `/vacancies/${id}/visit`, visit("javascript:alert(1)"));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0]).toMatchObject({ path: ["mapUrl"] });
    expect(JSON.stringify(refused.json())).toContain("https://");
    const set = await send("PUT", `/vacancies/${id}/visit`, visit(GOOD));
    expect(set.statusCode, set.body).toBe(200);

    const row = await bed.app.db.vacancy.findUniqueOrThrow({ where: { id } });
    await expect(
      setCompanyVisit(bed.app.db, row, visit("javascript:alert(1)"), bed.app.config.TZ_DEFAULT),
    ).rejects.toThrow(CLEAR);
  });
});
