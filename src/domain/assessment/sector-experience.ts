/**
 * Which work experience counts for which sector: the self-assessment's interest codes (the
 * programmes' sectors) against its experience codes, informal work included (scrap collection
 * counts for construction and logistics). Used by the readiness profile and by job matching.
 */
const EXPERIENCE_FOR: Readonly<Record<string, readonly string[]>> = {
  cleaning: ["cleaning"],
  construction: ["construction", "scrap_collection"],
  logistics: ["logistics", "scrap_collection", "driving"],
  kitchen_pastry: ["kitchen"],
  hospitality: ["hospitality", "kitchen"],
  care: ["care"],
  hairdressing_nails: ["hairdressing"],
  machine_driving: ["driving", "seasonal_farm"],
  forklift: ["logistics", "factory"],
  welding: ["factory", "construction"],
};

/** Whether any of `experience` counts as experience in `sector`. */
export function hasExperienceIn(sector: string, experience: readonly string[]): boolean {
  return (EXPERIENCE_FOR[sector] ?? [sector]).some((code) => experience.includes(code));
}
