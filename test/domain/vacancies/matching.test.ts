/** Matching rules for job alerts (pure): interests and experience rank, hard needs exclude with a reason. */
import { describe, expect, test } from "vitest";
import {
  type Candidate,
  matchCandidate,
  mayBeAdded,
  rankCandidates,
  type VacancyNeeds,
} from "../../../src/domain/vacancies/matching.ts";
import { cook } from "../../support/vacancy-world.ts";

const kitchenJob: VacancyNeeds = {
  sector: "kitchen_pastry",
  hours: "full_time",
  shifts: ["day", "evening"],
  weekends: true,
  dutchLevel: "basic",
  publicTransport: true,
};

const base = (
  clientId: string,
  answers: Candidate["answers"],
  extra: Partial<Candidate> = {},
): Candidate => ({
  clientId,
  answers: cook({ french_level: "none", ...answers }),
  legalAccessDate: null,
  alerts: "every",
  ...extra,
});

describe("exclusions, each with its reason", () => {
  test.each([
    ["asked for no alerts", base("a", {}, { alerts: "none" }), ["no_alerts"]],
    [
      "an applicant before the legal access date",
      base("b", { residence: "applicant" }, { legalAccessDate: "2027-01-15" }),
      ["no_legal_access_yet"],
    ],
    ["an applicant whose date is unknown", base("c", { residence: "applicant" }), ["legal_access_unknown"]],
    ["Dutch below the job's need", base("d", { dutch_level: "none" }), ["language_too_low"]],
    ["part time only, for a full-time job", base("e", { hours: "part_time" }), ["hours_do_not_fit"]],
    ["no weekends, for a weekend job", base("f", { weekends: false }), ["no_weekends"]],
    ["nights only, for a day job", base("g", { shifts: ["night"] }), ["shifts_do_not_fit"]],
  ])("%s", (_what, candidate, exclusions) => {
    expect(matchCandidate(kitchenJob, candidate, "2026-11-23")).toMatchObject({
      included: false,
      exclusions,
    });
  });

  test("the legal access date is given so the alert can wait for it", () => {
    const result = matchCandidate(
      kitchenJob,
      base("b", { residence: "applicant" }, { legalAccessDate: "2027-01-15" }),
      "2026-11-23",
    );
    expect(result).toMatchObject({ availableFrom: "2027-01-15" });
  });

  test("an applicant whose legal access date has come is matched", () => {
    const result = matchCandidate(
      kitchenJob,
      base("h", { residence: "applicant" }, { legalAccessDate: "2026-11-23" }),
      "2026-11-23",
    );
    expect(result.included).toBe(true);
  });

  test("a job needing a driving licence C excludes those without it", () => {
    const truck = { ...kitchenJob, sector: "logistics", drivingLicence: "C", dutchLevel: undefined };
    expect(
      matchCandidate(truck, base("i", { driving_licence: true, licence_categories: ["b"] }), "2026-11-23"),
    ).toMatchObject({
      exclusions: ["no_driving_licence"],
    });
    expect(
      matchCandidate(
        truck,
        base("j", { driving_licence: true, licence_categories: ["b", "c"] }),
        "2026-11-23",
      ).included,
    ).toBe(true);
  });
});

test("ranking: interest and experience first; reasons say why; excluded clients come last", () => {
  const ranked = rankCandidates(
    kitchenJob,
    [
      base("no-interest", { interests: ["cleaning"], experience: [] }),
      base("best", {}),
      base("excluded", { dutch_level: "none" }),
      base("interest-only", { experience: ["cleaning"], start_when: "later" }),
    ],
    "2026-11-23",
  );
  expect(ranked.map((r) => r.clientId)).toEqual(["best", "interest-only", "no-interest", "excluded"]);
  expect(ranked[0]).toMatchObject({
    included: true,
    reasons: [
      "interest",
      "experience",
      "hours_fit",
      "shifts_fit",
      "weekends_fit",
      "language_fit",
      "transport_fit",
      "available_now",
    ],
  });
});

test("turning down far-away jobs before weighs on a job that needs own transport", () => {
  const farJob = { ...kitchenJob, publicTransport: false };
  const keen = matchCandidate(farJob, base("k", { transport: ["bike"] }), "2026-11-23");
  const reluctant = matchCandidate(
    farJob,
    base("l", { transport: ["bike"] }, { declined: { far: 2 } }),
    "2026-11-23",
  );
  expect(keen.included && reluctant.included && keen.score - reluctant.score).toBe(6);
});

test("a counsellor may add someone left out for fit, never for the law or the client's wish", () => {
  expect(mayBeAdded(["hours_do_not_fit"])).toBe(true);
  expect(mayBeAdded(["language_too_low", "no_driving_licence", "no_weekends", "shifts_do_not_fit"])).toBe(
    true,
  );
  expect(mayBeAdded(["no_legal_access_yet"])).toBe(false);
  expect(mayBeAdded(["legal_access_unknown", "hours_do_not_fit"])).toBe(false);
  expect(mayBeAdded(["no_alerts"])).toBe(false);
});
