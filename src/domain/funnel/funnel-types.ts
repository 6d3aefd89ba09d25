/**
 * The funnel's vocabulary: its steps (names fixed by DESIGN.md "funnel"), what the computation
 * reads about one case, and the report it gives. Dates are calendar days (YYYY-MM-DD) in the
 * programme's time zone; months are YYYY-MM.
 */
import type { PlacementFacts } from "../placements/still-working.ts";

/** The steps, in order; each counts everyone who reached it or a later one. */
export const FUNNEL_STEPS = [
  "reached",
  "consented",
  "assessed",
  "preparation",
  "training",
  "placed",
  "working_1m",
  "working_3m",
  "working_6m",
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/** The months after the start of a placement that the `working_*` steps look at. */
export const WORKING_MONTHS = { working_1m: 1, working_3m: 3, working_6m: 6 } as const;

/** One case of the programme, as the funnel reads it: codes and days, nothing that names anyone. */
export interface FunnelCase {
  counsellorId: string | null;
  /** The client's language; null once the client is erased. */
  locale: string | null;
  place: string | null;
  /** The day the client consented and joined the case (Case.linkedAt). */
  consented: string;
  /** First day at each step (CaseStep); `closed` is the day the case was last closed. */
  assessed?: string;
  preparation?: string;
  training?: string;
  working?: string;
  closed?: string;
  /** True while the case is closed (the client left the programme, or was erased). */
  isClosed: boolean;
  /** The first placement, if any. */
  placement: PlacementFacts | null;
}

/** One day's count of conversations that started onboarding (ProgrammeReach). */
export interface ReachDay {
  day: string;
  count: number;
}

/** Who to count: a period (of consent, and of reach) and the filters; all optional. */
export interface FunnelFilters {
  from?: string;
  to?: string;
  counsellorId?: string;
  locale?: string;
  place?: string;
}

/** One step of the report. */
export interface StepFigure {
  step: FunnelStep;
  /** Null only for `reached` when a filter by counsellor, language or place is set (not known before consent). */
  count: number | null;
  /**
   * Of the people at the previous step who could have reached this one: all of them, or for the
   * `working_*` steps those whose mark (start + 1, 3, 6 months) has come by `today`.
   */
  eligible: number | null;
  /** count / eligible, or null when eligible is 0 or unknown. */
  conversion: number | null;
  /** Median days from the previous step, over the `medianOf` cases whose both days are known. */
  medianDays: number | null;
  medianOf: number;
}

/** An ESF-style result: of the `due` leavers whose mark has come, `count` had the outcome. */
export interface ResultFigure {
  due: number;
  count: number;
}

/** The funnel of one programme for one period. */
export interface FunnelReport {
  today: string;
  filters: FunnelFilters;
  steps: StepFigure[];
  /** People who left (case closed), by the last step they had reached; `reached`: did not consent. */
  dropOuts: { step: FunnelStep; count: number | null }[];
  results: {
    leavers: number;
    /** In a placement 4 weeks after leaving, or in training when they left. */
    inEmploymentOrTraining4Weeks: ResultFigure;
    /** In a placement 6 months after leaving. */
    inEmployment6Months: ResultFigure;
    /** What the store cannot tell (codes, explained in docs/funnel.md). */
    notComputed: string[];
  };
  /** Per month: conversations reached, clients who consented, placements that started. */
  trend: { month: string; reached: number | null; consented: number; placed: number }[];
}
