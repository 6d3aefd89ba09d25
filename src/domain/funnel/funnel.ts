/**
 * The funnel of a programme, computed from its cases (pure: no store, no clock). The people
 * counted are those who consented in the period (all time without one), followed up to `today`;
 * `reached` counts the conversations that started onboarding in the period (a count only: before
 * consent nothing else is known, so it is unknown once a counsellor, language or place is asked).
 */
import { DateTime } from "luxon";
import { monthsAfter, workingOn } from "../placements/still-working.ts";
import { type CaseSteps, caseSteps, couldReach, lastStep } from "./case-steps.ts";
import {
  FUNNEL_STEPS,
  type FunnelCase,
  type FunnelFilters,
  type FunnelReport,
  type ReachDay,
  type ResultFigure,
  type StepFigure,
} from "./funnel-types.ts";

export interface FunnelInput {
  cases: readonly FunnelCase[];
  reach: readonly ReachDay[];
  filters: FunnelFilters;
  today: string;
}

const inPeriod = (day: string, f: FunnelFilters) => (!f.from || day >= f.from) && (!f.to || day <= f.to);
const personFilter = (f: FunnelFilters) => Boolean(f.counsellorId || f.locale || f.place);

function matches(c: FunnelCase, f: FunnelFilters): boolean {
  return (
    (!f.counsellorId || c.counsellorId === f.counsellorId) &&
    (!f.locale || c.locale === f.locale) &&
    (!f.place || c.place === f.place)
  );
}

/** Whether `c` is one of the people counted: matches the filters and consented in the period. */
export function inCohort(c: FunnelCase, f: FunnelFilters): boolean {
  return matches(c, f) && inPeriod(c.consented, f);
}

/** Computes the report: step counts and conversions, medians, drop-outs, results, trend. */
export function computeFunnel(input: FunnelInput): FunnelReport {
  const { filters, today } = input;
  const people = input.cases.filter((c) => matches(c, filters));
  const cohort = people.filter((c) => inCohort(c, filters));
  const steps = cohort.map((c) => ({ c, steps: caseSteps(c, today) }));
  const reached = personFilter(filters)
    ? null
    : input.reach.filter((r) => inPeriod(r.day, filters)).reduce((sum, r) => sum + r.count, 0);
  const figures = stepFigures(steps, reached, today);
  const consented = figures[1]?.count ?? 0;
  return {
    today,
    filters,
    steps: figures,
    dropOuts: FUNNEL_STEPS.map((step) => ({
      step,
      count:
        step === "reached"
          ? reached === null || reached < consented
            ? null
            : reached - consented
          : steps.filter((s) => s.c.isClosed && lastStep(s.steps) === step).length,
    })),
    results: results(steps, today),
    trend: trend(people, input.reach, filters, today),
  };
}

function stepFigures(
  cases: { c: FunnelCase; steps: CaseSteps }[],
  reached: number | null,
  today: string,
): StepFigure[] {
  return FUNNEL_STEPS.map((step, index) => {
    if (step === "reached")
      return { step, count: reached, eligible: null, conversion: null, medianDays: null, medianOf: 0 };
    const previous = FUNNEL_STEPS[index - 1] as (typeof FUNNEL_STEPS)[number];
    const count = cases.filter((s) => s.steps.has(step)).length;
    // Reach is counted by day of first contact, consent by day of consent: over a period's edges
    // (or with reach counted only since it existed) fewer can be reached than consented.
    const eligible =
      previous === "reached"
        ? reached !== null && reached >= count
          ? reached
          : null
        : cases.filter((s) => s.steps.has(previous) && couldReach(s.c, step, today)).length;
    const gaps = cases.flatMap((s) => {
      const from = s.steps.get(previous);
      const to = s.steps.get(step);
      return from && to ? [daysBetween(from, to)] : [];
    });
    return {
      step,
      count,
      eligible,
      conversion: eligible ? round(count / eligible) : null,
      medianDays: median(gaps),
      medianOf: gaps.length,
    };
  });
}

function results(cases: { c: FunnelCase; steps: CaseSteps }[], today: string): FunnelReport["results"] {
  const leavers = cases.filter((s) => s.c.isClosed && s.c.closed);
  const after = (
    mark: (left: string) => string,
    outcome: (s: (typeof leavers)[number], day: string) => boolean,
  ) => {
    const due = leavers.filter((s) => mark(s.c.closed as string) <= today);
    const figure: ResultFigure = {
      due: due.length,
      count: due.filter((s) => outcome(s, mark(s.c.closed as string))).length,
    };
    return figure;
  };
  const employed = (s: (typeof leavers)[number], day: string) =>
    s.c.placement !== null && workingOn(s.c.placement, day);
  return {
    leavers: leavers.length,
    inEmploymentOrTraining4Weeks: after(
      (left) => addDays(left, 28),
      (s, day) => employed(s, day) || lastStep(s.steps) === "training",
    ),
    inEmployment6Months: after((left) => monthsAfter(left, 6), employed),
    notComputed: ["training_after_leaving", "employment_outside_programme"],
  };
}

function trend(
  people: readonly FunnelCase[],
  reach: readonly ReachDay[],
  filters: FunnelFilters,
  today: string,
): FunnelReport["trend"] {
  const events = people.flatMap((c) => [c.consented, ...(c.placement ? [c.placement.startDate] : [])]);
  const first = filters.from ?? [...events, ...reach.map((r) => r.day)].sort()[0] ?? today;
  const last = filters.to ?? today;
  const months: string[] = [];
  for (let m = first.slice(0, 7); m <= last.slice(0, 7) && months.length < 240; m = nextMonth(m))
    months.push(m);
  const inMonth = (day: string | undefined, month: string) =>
    day?.slice(0, 7) === month && inPeriod(day, filters);
  return months.map((month) => ({
    month,
    reached: personFilter(filters)
      ? null
      : reach.filter((r) => inMonth(r.day, month)).reduce((sum, r) => sum + r.count, 0),
    consented: people.filter((c) => inMonth(c.consented, month)).length,
    placed: people.filter((c) => inMonth(c.placement?.startDate, month)).length,
  }));
}

function nextMonth(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: "utc" }).plus({ months: 1 }).toFormat("yyyy-MM");
}

function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: "utc" }).plus({ days }).toISODate() as string;
}

function daysBetween(from: string, to: string): number {
  return DateTime.fromISO(to, { zone: "utc" }).diff(DateTime.fromISO(from, { zone: "utc" }), "days").days;
}

/** The median, or null for no values. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}
