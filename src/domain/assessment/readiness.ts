/**
 * The readiness profile at the end of a self-assessment: which preconditions are still open
 * (the seeds' "preparation phase": child care, health, housing, money, legal access to work,
 * language) and which sectors fit. Pure: answers and today's date in, profile out.
 */
import type { Answer } from "../../engine/types.ts";
import { hasExperienceIn } from "./sector-experience.ts";

export const PRECONDITIONS = ["legal_access", "childcare", "health", "housing", "money", "language"] as const;
export type Precondition = (typeof PRECONDITIONS)[number];

/** Sectors that ask for physical work a person with health limits may not manage. */
const PHYSICAL_SECTORS = new Set([
  "construction",
  "welding",
  "cleaning",
  "logistics",
  "forklift",
  "machine_driving",
]);

export interface Readiness {
  openPreconditions: Precondition[];
  /** Interest sectors that fit, those matching experience first. */
  sectors: string[];
  /** ISO date from which an applicant may work, if known. */
  legalAccessDate: string | null;
  ready: boolean;
}

const list = (value: Answer | undefined): string[] => (Array.isArray(value) ? value : []);

/** Computes the profile from the stored answers (codes) and run variables. */
export function computeReadiness(
  answers: Record<string, Answer>,
  legalAccessDate: string | null,
  today: string,
): Readiness {
  const open: Precondition[] = [];
  if (answers.residence === "applicant" && (!legalAccessDate || legalAccessDate > today))
    open.push("legal_access");
  if (answers.childcare_needed === true) open.push("childcare");
  if (answers.health_limits === true) open.push("health");
  if (answers.housing_stable === false || answers.housing === "no_fixed_address") open.push("housing");
  if (answers.urgent_money === true) open.push("money");
  const speaksLocal = [answers.dutch_level, answers.french_level].some(
    (l) => l === "basic" || l === "good" || l === "fluent",
  );
  if (!speaksLocal) open.push("language");

  const experience = new Set(list(answers.experience));
  const interests = list(answers.interests).filter(
    (sector) => sector !== "other" && !(answers.health_limits === true && PHYSICAL_SECTORS.has(sector)),
  );
  const experienced = (sector: string) => hasExperienceIn(sector, [...experience]);
  const sectors = [...interests.filter(experienced), ...interests.filter((s) => !experienced(s))];
  return {
    openPreconditions: open,
    sectors,
    legalAccessDate: answers.residence === "applicant" ? legalAccessDate : null,
    ready: open.length === 0,
  };
}
