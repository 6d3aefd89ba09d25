import { describe, expect, test } from "vitest";
import { computeFunnel } from "../../../src/domain/funnel/funnel.ts";
import { SEEDED_CASES, SEEDED_REACH, TODAY } from "./seeded-programme.ts";

const report = (filters = {}) =>
  computeFunnel({ cases: SEEDED_CASES, reach: SEEDED_REACH, filters, today: TODAY });

const byStep = (r: ReturnType<typeof report>) => Object.fromEntries(r.steps.map((s) => [s.step, s]));

describe("computeFunnel on the seeded programme (200 people, figures by hand)", () => {
  test("step counts are cumulative", () => {
    expect(SEEDED_CASES).toHaveLength(200);
    const counts = report().steps.map((s) => [s.step, s.count]);
    expect(counts).toEqual([
      ["reached", 230], // 25 + 35 + 30 + 40 + 60 + 40
      ["consented", 200],
      ["assessed", 160], // G2..G7: 30 + 35 + 25 (by implication) + 20 + 30 + 20
      ["preparation", 130], // G3..G7
      ["training", 95], // G4 25 + G5 20, G7 20 (placed, so trained by implication) + G6 30
      ["placed", 70], // G5 + G6 + G7
      ["working_1m", 65], // G5 20 − 5 ended before 15 Nov, G6 30, G7 20
      ["working_3m", 45], // G5 not due (15 Jan), G6 30 − 5 said stopped, G7 20
      ["working_6m", 42], // G6 25 − 3 ended 15 Sep (before 1 Nov), G7 20
    ]);
  });

  test("conversions are of those who could have reached the step", () => {
    const steps = byStep(report());
    expect(steps.consented).toMatchObject({ eligible: 230, conversion: 0.8696 }); // 200 / 230
    expect(steps.assessed).toMatchObject({ eligible: 200, conversion: 0.8 }); // 160 / 200
    expect(steps.preparation).toMatchObject({ eligible: 160, conversion: 0.8125 }); // 130 / 160
    expect(steps.training).toMatchObject({ eligible: 130, conversion: 0.7308 }); // 95 / 130
    expect(steps.placed).toMatchObject({ eligible: 95, conversion: 0.7368 }); // 70 / 95
    expect(steps.working_1m).toMatchObject({ eligible: 70, conversion: 0.9286 }); // 65 / 70
    expect(steps.working_3m).toMatchObject({ eligible: 50, conversion: 0.9 }); // 45 / (G6 30 + G7 20)
    expect(steps.working_6m).toMatchObject({ eligible: 45, conversion: 0.9333 }); // 42 / 45
  });

  test("median days between steps, over the cases whose both days are known", () => {
    const medians = report().steps.map((s) => [s.step, s.medianDays, s.medianOf]);
    expect(medians).toEqual([
      ["reached", null, 0],
      ["consented", null, 0],
      ["assessed", 10, 135], // 20 × 3 (G7), 20 × 5 (G5), 95 × 10; G4 has no day
      ["preparation", 0, 105], // 70 × 0 (G5, G6, G7), 35 × 2 (G3)
      ["training", 18, 55], // 30 × 18 (G6), 25 × 20 (G4)
      ["placed", 61, 30], // G6: 1 March → 1 May
      ["working_1m", 31, 65],
      ["working_3m", 61, 45], // 20 × 59 (G7: 10 Feb → 10 Apr), 25 × 61 (G6)
      ["working_6m", 92, 42], // 20 × 91 (G7), 22 × 92 (G6): the two middle ones are 92
    ]);
  });

  test("drop-outs by the last step reached, and the ESF-style results", () => {
    const r = report();
    expect(Object.fromEntries(r.dropOuts.map((d) => [d.step, d.count]))).toEqual({
      reached: 30, // 230 − 200 never consented
      consented: 10,
      assessed: 5,
      preparation: 3,
      training: 4,
      placed: 0,
      working_1m: 0,
      working_3m: 0,
      working_6m: 10, // G7 left the programme while working
    });
    expect(r.results).toEqual({
      leavers: 32,
      // all 32 are 4 weeks past leaving; G4's 4 left in training, G7's 10 worked on 29 March
      inEmploymentOrTraining4Weeks: { due: 32, count: 14 },
      // only G7 left 6 months ago (1 March → 1 September), all still in their placement
      inEmployment6Months: { due: 10, count: 10 },
      notComputed: ["training_after_leaving", "employment_outside_programme"],
    });
  });

  test("the monthly trend", () => {
    const trend = report().trend;
    expect(trend.map((t) => t.month)).toEqual([
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
      "2026-11",
      "2026-12",
    ]);
    expect(trend[0]).toEqual({ month: "2026-01", reached: 25, consented: 20, placed: 20 });
    expect(trend[4]).toEqual({ month: "2026-05", reached: 0, consented: 0, placed: 30 });
    expect(trend[7]).toEqual({ month: "2026-08", reached: 60, consented: 50, placed: 0 });
    expect(trend[9]).toEqual({ month: "2026-10", reached: 0, consented: 0, placed: 20 });
  });

  test("a period counts those who consented in it, followed up to today", () => {
    const r = report({ from: "2026-06-01", to: "2026-08-31" });
    const steps = byStep(r);
    expect(steps.reached?.count).toBe(130); // 30 + 40 + 60
    expect(steps.consented).toMatchObject({ count: 110, conversion: 0.8462 }); // G2 + G3 + G4 + G5
    expect(steps.placed?.count).toBe(20); // G5
    expect(steps.working_1m?.count).toBe(15);
    expect(r.dropOuts[0]).toEqual({ step: "reached", count: 20 });
    expect(r.trend.map((t) => t.month)).toEqual(["2026-06", "2026-07", "2026-08"]);
  });

  test("more consented than reached in a period (reach counted by first contact): no conversion", () => {
    const r = computeFunnel({
      cases: SEEDED_CASES,
      reach: [{ day: "2026-08-01", count: 10 }],
      filters: { from: "2026-08-01", to: "2026-08-01" },
      today: TODAY,
    });
    expect(byStep(r).consented).toMatchObject({ count: 50, eligible: null, conversion: null });
    expect(r.dropOuts[0]).toEqual({ step: "reached", count: null });
  });

  test("filters by counsellor, language and place; reached is unknown for them", () => {
    const c2 = byStep(report({ counsellorId: "c2" }));
    expect(c2.reached?.count).toBeNull();
    expect(c2.consented).toMatchObject({ count: 30, conversion: null });
    expect(c2.working_6m?.count).toBe(22);
    const arabic = byStep(report({ locale: "ar" }));
    expect([arabic.consented?.count, arabic.placed?.count, arabic.working_1m?.count]).toEqual([20, 20, 15]);
    const centre = report({ place: "centre-b" });
    expect(centre.steps.map((s) => s.count)).toEqual([null, 3, 3, 3, 0, 0, 0, 0, 0]);
    expect(centre.dropOuts.find((d) => d.step === "preparation")?.count).toBe(3);
  });
});
