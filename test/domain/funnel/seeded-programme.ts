/**
 * A seeded programme of 200 people across the funnel's steps, in seven groups whose figures are
 * worked out by hand in funnel.test.ts. Today is 2026-12-01.
 */
import type { FunnelCase, ReachDay } from "../../../src/domain/funnel/funnel-types.ts";

export const TODAY = "2026-12-01";

type Spec = Omit<FunnelCase, "isClosed" | "placement" | "counsellorId" | "locale" | "place"> & {
  closedCount?: number;
  closed?: string;
  counsellorId?: string;
  locale?: string;
  place?: (index: number) => string;
  placement?: (index: number) => FunnelCase["placement"];
};

function group(size: number, spec: Spec): FunnelCase[] {
  const { closedCount = 0, closed, place, placement, ...rest } = spec;
  return Array.from({ length: size }, (_, index) => ({
    counsellorId: "c1",
    locale: "ro",
    ...rest,
    place: place?.(index) ?? "brussels",
    isClosed: index < closedCount,
    ...(index < closedCount && closed ? { closed } : {}),
    placement: placement?.(index) ?? null,
  }));
}

const started = (startDate: string, endedOn: string | null = null, stillWorking = {}) => ({
  startDate,
  endedOn,
  stillWorking,
});

/** G1…G7: 40 + 30 + 35 + 25 + 20 + 30 + 20 = 200 people. */
export const SEEDED_CASES: FunnelCase[] = [
  // G1: consented only; 10 left a month later.
  ...group(40, { consented: "2026-09-01", closedCount: 10, closed: "2026-10-01" }),
  // G2: assessed 10 days after consent; 5 left.
  ...group(30, { consented: "2026-08-01", assessed: "2026-08-11", closedCount: 5, closed: "2026-09-01" }),
  // G3: assessed after 10 days, in preparation 2 days later; 3 left. The first 3 live in centre-b.
  ...group(35, {
    consented: "2026-07-01",
    assessed: "2026-07-11",
    preparation: "2026-07-13",
    closedCount: 3,
    closed: "2026-08-01",
    place: (i) => (i < 3 ? "centre-b" : "brussels"),
  }),
  // G4: no self-assessment (assessed by implication, day unknown), preparation, training; 4 left in training.
  ...group(25, {
    consented: "2026-06-01",
    preparation: "2026-06-21",
    training: "2026-07-11",
    working: undefined,
    closedCount: 4,
    closed: "2026-08-01",
  }),
  // G5 (Arabic): assessed after 5 days, placed on 15 October without training; 5 ended on 1 November.
  ...group(20, {
    consented: "2026-08-01",
    assessed: "2026-08-06",
    preparation: "2026-08-06",
    locale: "ar",
    placement: (i) => started("2026-10-15", i < 5 ? "2026-11-01" : null),
  }),
  // G6 (counsellor c2): placed on 1 May after training; 5 said at month 3 they had stopped, 3 ended on 15 September.
  ...group(30, {
    consented: "2026-02-01",
    assessed: "2026-02-11",
    preparation: "2026-02-11",
    training: "2026-03-01",
    counsellorId: "c2",
    placement: (i) =>
      i < 5
        ? started("2026-05-01", null, { month_1: true, month_3: false })
        : i < 8
          ? started("2026-05-01", "2026-09-15")
          : started("2026-05-01"),
  }),
  // G7: placed on 10 January, still working; 10 left the programme on 1 March while working.
  ...group(20, {
    consented: "2026-01-05",
    assessed: "2026-01-08",
    preparation: "2026-01-08",
    closedCount: 10,
    closed: "2026-03-01",
    placement: () => started("2026-01-10"),
  }),
];

/** 230 conversations started onboarding, on the days the groups consented. */
export const SEEDED_REACH: ReachDay[] = [
  { day: "2026-01-05", count: 25 },
  { day: "2026-02-01", count: 35 },
  { day: "2026-06-01", count: 30 },
  { day: "2026-07-01", count: 40 },
  { day: "2026-08-01", count: 60 },
  { day: "2026-09-01", count: 40 },
];
