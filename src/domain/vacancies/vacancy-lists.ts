/**
 * The lists a vacancy's job title and contract type come from, each translated into every client
 * language (`locales/<lng>/vacancy.json`), so a Romanian card never shows "Nettoyeur" or
 * "CDD 6 mois". Free text stays possible as a last resort and is then shown as written, in every
 * language. The console's form and `vacancy create` offer the same lists.
 */
import type { Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";

/** Job titles, each with the self-assessment interest code (sector) it usually belongs to. */
export const JOB_TITLES = {
  cleaner: "cleaning",
  office_cleaner: "cleaning",
  housekeeper: "hospitality",
  kitchen_helper: "kitchen_pastry",
  dishwasher: "kitchen_pastry",
  cook: "kitchen_pastry",
  baker: "kitchen_pastry",
  waiter: "hospitality",
  construction_worker: "construction",
  painter: "construction",
  welder: "welding",
  machine_operator: "machine_driving",
  forklift_driver: "forklift",
  warehouse_worker: "logistics",
  order_picker: "logistics",
  delivery_driver: "logistics",
  production_worker: "else",
  care_assistant: "care",
  hairdresser: "hairdressing_nails",
  nail_technician: "hairdressing_nails",
  gardener: "else",
  shop_assistant: "else",
  bookkeeping_assistant: "bookkeeping",
} as const satisfies Record<string, string>;
export type JobTitleCode = keyof typeof JOB_TITLES;
export const JOB_TITLE_CODES = Object.keys(JOB_TITLES) as [JobTitleCode, ...JobTitleCode[]];

/** Contract types as Belgian programmes meet them; a fixed term may say how many months. */
export const CONTRACT_TYPES = [
  "open_ended",
  "fixed_term",
  "temp_agency",
  "service_vouchers",
  "article_60",
  "training_at_work",
  "student",
  "flexi_job",
  "seasonal",
] as const;
export type ContractTypeCode = (typeof CONTRACT_TYPES)[number];

/** The sectors (interest codes) a vacancy may be filed under. */
export const SECTORS = [...new Set(Object.values(JOB_TITLES))].sort();

type JobFields = Pick<Vacancy, "jobCode" | "job">;
type ContractFields = Pick<Vacancy, "contractCode" | "contractMonths" | "contractType">;

/** The job title as a message part: the list's translation, or the free text as written. */
export function jobTitleOutput(vacancy: JobFields): Output {
  return vacancy.jobCode
    ? { key: `vacancy.title_${vacancy.jobCode}` }
    : { key: "vacancy.as_written", params: { text: vacancy.job ?? "" } };
}

/** The contract as a message part ("Fixed-term contract, 6 months"), or the free text as written. */
export function contractOutput(vacancy: ContractFields): Output {
  if (!vacancy.contractCode)
    return { key: "vacancy.as_written", params: { text: vacancy.contractType ?? "" } };
  const contract: Output = { key: `vacancy.contract_${vacancy.contractCode}` };
  if (!vacancy.contractMonths) return contract;
  return {
    key: "vacancy.contract_with_months",
    lists: {
      contract: [contract],
      months: [{ key: "vacancy.months", params: { count: vacancy.contractMonths } }],
    },
  };
}

/** The job title in `locale` (for lists and buttons that take text, not a message part). */
export function jobTitleText(vacancy: JobFields, locale: string, translator: Translator): string {
  const part = jobTitleOutput(vacancy);
  return translator.t(part.key, locale, part.params);
}
