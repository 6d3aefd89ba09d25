/**
 * The funnel as CSV, for what leaves the organisation (a funder's report): the figures, with small
 * numbers protected (small-numbers.ts), and anonymised case rows — no names, chat ids, case ids or
 * references, and months instead of days.
 */
import { type CaseSteps, caseSteps, lastStep } from "./case-steps.ts";
import { inCohort } from "./funnel.ts";
import type { FUNNEL_STEPS, FunnelCase, FunnelFilters, FunnelReport } from "./funnel-types.ts";
import { protectedCount, protectedDerived } from "./small-numbers.ts";

const FIGURE_COLUMNS = [
  "programme",
  "from",
  "to",
  "today",
  "section",
  "name",
  "count",
  "of",
  "conversion",
  "median_days",
] as const;

/** One CSV field, quoted when it must be. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function toCsv(header: readonly string[], rows: readonly string[][]): string {
  return `${[header, ...rows].map((row) => row.map(field).join(",")).join("\r\n")}\r\n`;
}

/** The report's figures, one per row, with every small figure and every figure derived from one shown as "< t". */
export function funnelFiguresCsv(programme: string, report: FunnelReport, threshold: number): string {
  const count = (n: number | null) => protectedCount(n, threshold);
  const head = [programme, report.filters.from ?? "", report.filters.to ?? "", report.today];
  const rows: string[][] = [];
  const add = (section: string, name: string, ...rest: string[]) =>
    rows.push([...head, section, name, ...rest, ...Array(4 - rest.length).fill("")]);
  for (const s of report.steps) {
    add(
      "step",
      s.step,
      count(s.count),
      count(s.eligible),
      protectedDerived(s.conversion, [s.count, s.eligible], threshold),
      protectedDerived(s.medianDays, [s.medianOf], threshold),
    );
  }
  const consented = report.steps.find((s) => s.step === "consented")?.count ?? null;
  const reached = report.steps.find((s) => s.step === "reached")?.count ?? null;
  for (const d of report.dropOuts) {
    const sources = d.step === "reached" ? [d.count, reached, consented] : [d.count];
    add("dropout", d.step, protectedDerived(d.count, sources, threshold));
  }
  const { results } = report;
  add("result", "leavers", count(results.leavers));
  for (const name of ["inEmploymentOrTraining4Weeks", "inEmployment6Months"] as const) {
    add("result", snake(name), count(results[name].count), count(results[name].due));
  }
  for (const t of report.trend) {
    add("trend", `${t.month} reached`, count(t.reached));
    add("trend", `${t.month} consented`, count(t.consented));
    add("trend", `${t.month} placed`, count(t.placed));
  }
  return toCsv(FIGURE_COLUMNS, rows);
}

function snake(name: string): string {
  return name.replace(/([a-z])([A-Z0-9])/g, "$1_$2").toLowerCase();
}

const CASE_COLUMNS = [
  "language",
  "consented_month",
  "assessed_month",
  "preparation_month",
  "training_month",
  "placed_month",
  "working_1m",
  "working_3m",
  "working_6m",
  "left_month",
  "last_step",
] as const;

/** One row per person counted (the same people as the figures), sorted so that the order says nothing. */
export function funnelCaseRowsCsv(
  cases: readonly FunnelCase[],
  filters: FunnelFilters,
  today: string,
): string {
  const month = (day: string | null | undefined) => day?.slice(0, 7) ?? "";
  const rows = cases
    .filter((c) => inCohort(c, filters))
    .map((c) => {
      const steps: CaseSteps = caseSteps(c, today);
      const dated = (step: (typeof FUNNEL_STEPS)[number]) =>
        steps.has(step) ? month(steps.get(step)) || "yes" : "";
      return [
        c.locale ?? "",
        month(c.consented),
        dated("assessed"),
        dated("preparation"),
        dated("training"),
        dated("placed"),
        steps.has("working_1m") ? "yes" : "",
        steps.has("working_3m") ? "yes" : "",
        steps.has("working_6m") ? "yes" : "",
        c.isClosed ? month(c.closed) || "yes" : "",
        lastStep(steps),
      ];
    })
    .sort((a, b) => a.join(",").localeCompare(b.join(",")));
  return toCsv(CASE_COLUMNS, rows);
}
