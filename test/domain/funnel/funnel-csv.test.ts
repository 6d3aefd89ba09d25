import { describe, expect, test } from "vitest";
import { computeFunnel } from "../../../src/domain/funnel/funnel.ts";
import { funnelCaseRowsCsv, funnelFiguresCsv } from "../../../src/domain/funnel/funnel-csv.ts";
import type { FunnelFilters } from "../../../src/domain/funnel/funnel-types.ts";
import { SEEDED_CASES, SEEDED_REACH, TODAY } from "./seeded-programme.ts";

function figures(filters: FunnelFilters, threshold = 5) {
  const report = computeFunnel({ cases: SEEDED_CASES, reach: SEEDED_REACH, filters, today: TODAY });
  const csv = funnelFiguresCsv("roma-work", report, threshold);
  const [header, ...lines] = csv.trimEnd().split("\r\n");
  expect(header).toBe("programme,from,to,today,section,name,count,of,conversion,median_days");
  return new Map(lines.map((line) => line.split(",")).map((f) => [`${f[4]} ${f[5]}`, f.slice(6)]));
}

describe("funnelFiguresCsv", () => {
  test("small counts show as < 5, larger ones and 0 as they are", () => {
    const rows = figures({});
    expect(rows.get("step consented")).toEqual(["200", "230", "0.8696", ""]);
    expect(rows.get("step assessed")).toEqual(["160", "200", "0.8", "10"]);
    expect(rows.get("dropout assessed")).toEqual(["5", "", "", ""]);
    expect(rows.get("dropout preparation")).toEqual(["< 5", "", "", ""]);
    expect(rows.get("dropout training")).toEqual(["< 5", "", "", ""]);
    expect(rows.get("dropout placed")).toEqual(["0", "", "", ""]);
    expect(rows.get("result in_employment_6months")).toEqual(["10", "10", "", ""]);
    expect(rows.get("trend 2026-01 consented")).toEqual(["20", "", "", ""]);
  });

  test("a figure derived from a small one (a conversion, a median) shows as < 5", () => {
    const rows = figures({ place: "centre-b" }); // 3 people
    expect(rows.get("step reached")).toEqual(["", "", "", ""]); // not known for a place
    expect(rows.get("step consented")).toEqual(["< 5", "", "", ""]);
    expect(rows.get("step assessed")).toEqual(["< 5", "< 5", "< 5", "< 5"]);
    expect(rows.get("step training")).toEqual(["0", "< 5", "< 5", ""]); // 0 of 3: the conversion tells 3
    expect(rows.get("step placed")).toEqual(["0", "0", "", ""]);
    for (const [, values] of rows) for (const value of values) expect(value).not.toMatch(/^[1-4](\.\d+)?$/);
  });

  test("the organisation's threshold", () => {
    const rows = figures({}, 10);
    expect(rows.get("dropout assessed")).toEqual(["< 10", "", "", ""]);
    expect(rows.get("dropout consented")).toEqual(["10", "", "", ""]);
  });
});

describe("funnelCaseRowsCsv", () => {
  test("one row per person, months only, nothing that names a case", () => {
    const csv = funnelCaseRowsCsv(SEEDED_CASES, {}, TODAY);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(201);
    expect(lines).toContain("ro,2026-01,2026-01,2026-01,yes,2026-01,yes,yes,yes,2026-03,working_6m");
    expect(lines).toContain("ar,2026-08,2026-08,2026-08,yes,2026-10,,,,,placed");
    expect(csv).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no day
    expect(csv).not.toMatch(/c1|c2|brussels|centre-b/); // no counsellor, no place
  });
});
