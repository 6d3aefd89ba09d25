/**
 * Which steps of the funnel one case reached, and on which day. The steps are stages in order: a
 * case seen at a later stage has passed the earlier ones (a counsellor may move someone to
 * training without a self-assessment), so each step counts everyone who reached it or a later
 * one; the day of a step passed that way is unknown (null) and stays out of the medians.
 */
import { monthsAfter, stillWorkingAfter } from "../placements/still-working.ts";
import { FUNNEL_STEPS, type FunnelCase, type FunnelStep, WORKING_MONTHS } from "./funnel-types.ts";

/** Reached steps (from `consented`) with their day, or null when the day is not known. */
export type CaseSteps = Map<FunnelStep, string | null>;

const STAGES = ["consented", "assessed", "preparation", "training", "placed"] as const;

function stageDay(c: FunnelCase, stage: (typeof STAGES)[number]): string | undefined {
  if (stage === "consented") return c.consented;
  if (stage === "placed") return c.placement?.startDate ?? c.working;
  return c[stage];
}

/** The steps `c` reached by `today`. */
export function caseSteps(c: FunnelCase, today: string): CaseSteps {
  const steps: CaseSteps = new Map();
  const days = STAGES.map((stage) => stageDay(c, stage));
  const last = days.reduce((found, day, index) => (day === undefined ? found : index), -1);
  for (let index = 0; index <= last; index++) steps.set(STAGES[index] as FunnelStep, days[index] ?? null);
  if (!steps.has("placed") || !c.placement) return steps;
  for (const [step, months] of Object.entries(WORKING_MONTHS)) {
    if (stillWorkingAfter(c.placement, months, today) !== true) break;
    steps.set(step as FunnelStep, monthsAfter(c.placement.startDate, months));
  }
  return steps;
}

/** Whether `c` could have reached `step` by `today`: a `working_*` mark must have come. */
export function couldReach(c: FunnelCase, step: FunnelStep, today: string): boolean {
  if (!(step in WORKING_MONTHS)) return true;
  const months = WORKING_MONTHS[step as keyof typeof WORKING_MONTHS];
  return c.placement !== null && monthsAfter(c.placement.startDate, months) <= today;
}

/** The last step `c` reached. */
export function lastStep(steps: CaseSteps): FunnelStep {
  return FUNNEL_STEPS.filter((step) => steps.has(step)).at(-1) ?? "reached";
}
