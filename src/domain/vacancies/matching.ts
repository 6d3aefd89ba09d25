/**
 * Matching clients to a vacancy (blind hiring: from the self-assessment, never a CV). Pure: the
 * vacancy, each client's latest answers and today's date in; a ranked list out, each with the
 * reasons a counsellor reads — and the clients left out, with why (so nobody is dropped silently).
 * An applicant whose legal access date is still ahead is never alerted before it.
 */
import type { Answer } from "../../engine/types.ts";
import { hasExperienceIn } from "../assessment/sector-experience.ts";

export const LEVELS = ["none", "basic", "good", "fluent"] as const;
export type Level = (typeof LEVELS)[number];

/** What the matching needs to know about a vacancy. */
export interface VacancyNeeds {
  sector: string;
  hours: "full_time" | "part_time" | "either";
  shifts: ("day" | "evening" | "night")[];
  weekends: boolean;
  /** Minimum level of Dutch or French, if the job needs one. */
  dutchLevel?: Level;
  frenchLevel?: Level;
  /** The job needs a driving licence (e.g. category B). */
  drivingLicence?: string;
  /** Reachable by public transport; if not, a bike or car is needed. */
  publicTransport: boolean;
}

/** A client as matching sees them: codes from their latest assessment, and their preferences. */
export interface Candidate {
  clientId: string;
  answers: Record<string, Answer>;
  /** ISO date from which an applicant may work (null: not an applicant, or unknown). */
  legalAccessDate: string | null;
  /** "none": the client asked for no job alerts. */
  alerts: "every" | "weekly" | "none";
  /** Reasons the client said "not for me" before, counted (far, hours, pay, sector). */
  declined?: Partial<Record<"far" | "hours" | "pay" | "sector", number>>;
}

export type Reason =
  | "interest"
  | "experience"
  | "hours_fit"
  | "shifts_fit"
  | "weekends_fit"
  | "language_fit"
  | "transport_fit"
  | "available_now";

export type Exclusion =
  | "no_alerts"
  | "no_legal_access_yet"
  | "legal_access_unknown"
  | "language_too_low"
  | "no_driving_licence"
  | "hours_do_not_fit"
  | "no_weekends"
  | "shifts_do_not_fit";

/** Left out for fit only: a counsellor may add them anyway. Never for the law or the client's wish. */
const OVERRULABLE: ReadonlySet<Exclusion> = new Set([
  "language_too_low",
  "no_driving_licence",
  "hours_do_not_fit",
  "no_weekends",
  "shifts_do_not_fit",
]);

/** Whether a counsellor may add someone matching left out for these reasons. */
export function mayBeAdded(exclusions: readonly Exclusion[]): boolean {
  return exclusions.every((exclusion) => OVERRULABLE.has(exclusion));
}

export type MatchResult =
  | { clientId: string; included: true; score: number; reasons: Reason[] }
  | { clientId: string; included: false; exclusions: Exclusion[]; availableFrom?: string };

const list = (value: Answer | undefined): string[] => (Array.isArray(value) ? value.map(String) : []);
const level = (value: Answer | undefined): number => LEVELS.indexOf((value as Level) ?? "none");

/** One candidate against one vacancy. */
export function matchCandidate(vacancy: VacancyNeeds, candidate: Candidate, today: string): MatchResult {
  const a = candidate.answers;
  const exclusions: Exclusion[] = [];
  if (candidate.alerts === "none") exclusions.push("no_alerts");
  let availableFrom: string | undefined;
  if (a.residence === "applicant") {
    if (!candidate.legalAccessDate) exclusions.push("legal_access_unknown");
    else if (candidate.legalAccessDate > today) {
      exclusions.push("no_legal_access_yet");
      availableFrom = candidate.legalAccessDate;
    }
  }
  if (vacancy.dutchLevel && level(a.dutch_level) < LEVELS.indexOf(vacancy.dutchLevel))
    exclusions.push("language_too_low");
  else if (vacancy.frenchLevel && level(a.french_level) < LEVELS.indexOf(vacancy.frenchLevel))
    exclusions.push("language_too_low");
  if (vacancy.drivingLicence) {
    const categories = list(a.licence_categories).map((c) => c.toLowerCase());
    if (a.driving_licence !== true || !categories.includes(vacancy.drivingLicence.toLowerCase()))
      exclusions.push("no_driving_licence");
  }
  if (vacancy.hours !== "either" && a.hours && a.hours !== "either" && a.hours !== vacancy.hours)
    exclusions.push("hours_do_not_fit");
  if (vacancy.weekends && a.weekends === false) exclusions.push("no_weekends");
  const shifts = list(a.shifts);
  if (shifts.length && vacancy.shifts.length && !vacancy.shifts.some((s) => shifts.includes(s)))
    exclusions.push("shifts_do_not_fit");
  if (exclusions.length)
    return {
      clientId: candidate.clientId,
      included: false,
      exclusions,
      ...(availableFrom ? { availableFrom } : {}),
    };

  const reasons: Reason[] = [];
  let score = 0;
  const add = (reason: Reason, points: number) => {
    reasons.push(reason);
    score += points;
  };
  if (list(a.interests).includes(vacancy.sector)) add("interest", 40);
  if (hasExperienceIn(vacancy.sector, list(a.experience))) add("experience", 25);
  if (vacancy.hours === "either" || a.hours === "either" || a.hours === vacancy.hours) add("hours_fit", 5);
  if (shifts.length && vacancy.shifts.some((s) => shifts.includes(s))) add("shifts_fit", 5);
  if (vacancy.weekends && a.weekends === true) add("weekends_fit", 5);
  if ((vacancy.dutchLevel || vacancy.frenchLevel) && !exclusions.includes("language_too_low"))
    add("language_fit", 5);
  const transport = list(a.transport);
  if (
    vacancy.publicTransport ? transport.length > 0 : transport.includes("bike") || transport.includes("car")
  )
    add("transport_fit", 5);
  if (a.start_when === "now") add("available_now", 10);
  // What the client turned down before weighs on similar offers.
  const declined = candidate.declined ?? {};
  score -= 5 * ((declined.sector ?? 0) > 0 && !reasons.includes("interest") ? (declined.sector ?? 0) : 0);
  score -= 3 * (vacancy.publicTransport ? 0 : (declined.far ?? 0));
  return { clientId: candidate.clientId, included: true, score, reasons };
}

/** All candidates: the included ones ranked by score (best first), then the excluded ones. */
export function rankCandidates(
  vacancy: VacancyNeeds,
  candidates: readonly Candidate[],
  today: string,
): MatchResult[] {
  const results = candidates.map((c) => matchCandidate(vacancy, c, today));
  const included = results.filter((r): r is Extract<MatchResult, { included: true }> => r.included);
  const excluded = results.filter((r) => !r.included);
  included.sort((x, y) => y.score - x.score || x.clientId.localeCompare(y.clientId));
  return [...included, ...excluded];
}
