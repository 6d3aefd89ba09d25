/**
 * What the vacancy and broadcast pages refuse, a Dutch-speaking counsellor reads in Dutch (the
 * domain's English line is for the CLI and the API).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

/** Posts `form` to `url` as the signed-in `staffId`. */
async function postForm(staffId: string, url: string, form: Record<string, string>) {
  const token = await openSession(bed.app.db, staffId);
  const session = await findSession(bed.app.db, token);
  return bed.app.http.inject({
    method: "POST",
    url,
    headers: {
      cookie: `ceb_session=${token}`,
      "x-csrf-token": session?.csrfToken ?? "",
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams(form).toString(),
  });
}

async function dutchCounsellor() {
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor", { locale: "nl" });
  return { organisation, counsellor };
}

test("a company visit in the past", async () => {
  const { organisation, counsellor } = await dutchCounsellor();
  const vacancy = await postVacancy(bed.app.db, organisation.id, {
    employer: "Net & Propre",
    jobCode: "office_cleaner",
    contractCode: "open_ended",
    municipality: "Anderlecht",
    hours: "part_time",
    texts: { ro: "Curățenie în birouri." },
  });
  const refused = await postForm(counsellor.id, `/console/vacancies/${vacancy.id}/visit`, {
    date: "2020-03-02",
    firstSlot: "10:00",
    slots: "3",
    minutes: "20",
    place: "Rue Wayez 12, Anderlecht",
    host: "Sofie (HR)",
  });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain(bed.app.translator.t("console.error_visit_in_past", "nl"));
  expect(refused.body).toContain("Het bezoek ligt in het verleden");
  expect(refused.body).not.toContain("The visit is in the past");
});

test("a vacancy form that misses a field names it in Dutch", async () => {
  const { counsellor } = await dutchCounsellor();
  const refused = await postForm(counsellor.id, "/console/vacancies", {
    employer: "Net & Propre",
    jobCode: "office_cleaner",
    contractCode: "open_ended",
    hours: "part_time",
    text_ro: "Curățenie în birouri.",
  });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain("Kijk dit veld na: gemeente.");
});

test("a broadcast at a time that has passed, and one nobody can get", async () => {
  const { counsellor } = await dutchCounsellor();
  const passed = await postForm(counsellor.id, "/console/broadcasts", {
    when: "at",
    at: "2020-01-01T10:00",
    text_nl: "Nieuwe opleiding",
    submission: randomUUID(), // a drawn form's (form-submission.ts)
  });
  expect(passed.statusCode).toBe(400);
  expect(passed.body).toContain("Dat tijdstip is voorbij");
  expect(passed.body).not.toContain("has passed");
  const nobody = await postForm(counsellor.id, "/console/broadcasts", {
    when: "now",
    text_nl: "Hallo",
    submission: randomUUID(),
  });
  expect(nobody.statusCode).toBe(400);
  expect(nobody.body).toContain("Niemand in deze selectie is bereikbaar.");
  const preview = await postForm(counsellor.id, "/console/broadcasts/preview", {
    when: "at",
    at: "2020-01-01T10:00",
  });
  expect(preview.body).toContain("Dat tijdstip is voorbij");
});
