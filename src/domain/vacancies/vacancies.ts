/**
 * Vacancies a counsellor posts, and the candidates for one: the organisation's clients with an
 * open case, consent, a self-assessment, and their alert preference — ranked by matching.ts, each
 * with the language the vacancy would reach them in.
 */

import { z } from "zod";
import type { Answer, Output } from "../../engine/types.ts";
import type { Vacancy } from "../../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../../i18n/translator.ts";
import { latestConsentSelect } from "../../store/consents.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, NotFoundError, parseInput } from "../errors.ts";
import { matchNotes } from "./match-notes.ts";
import { type Candidate, LEVELS, type MatchResult, rankCandidates, type VacancyNeeds } from "./matching.ts";
import { readableLocales, vacancyLocaleFor } from "./vacancy-language.ts";
import { CONTRACT_TYPES, JOB_TITLE_CODES, JOB_TITLES } from "./vacancy-lists.ts";

const LOCALES = CLIENT_LOCALES;
const level = z.enum(LEVELS, { error: `must be one of ${LEVELS.join(", ")}` });
const listOrText = (what: string) => `choose ${what} from the list, or write one as a last resort`;

/** A vacancy's fields, as the console's form and `vacancy create` send them. */
export const vacancyFields = z
  .object({
    employer: z.string().trim().min(1, "is required").max(120),
    employerHidden: z.boolean().default(true),
    jobCode: z.enum(JOB_TITLE_CODES, { error: "must be a job title of the list" }).optional(),
    job: z.string().trim().min(1).max(120).optional(),
    sector: z
      .string()
      .regex(/^[a-z_]+$/, "must be an interest code such as cleaning or kitchen_pastry")
      .optional(),
    municipality: z.string().trim().min(1, "is required").max(80),
    access: z.string().trim().max(200).optional(),
    publicTransport: z.boolean().default(true),
    hours: z.enum(["full_time", "part_time", "either"], { error: "must be full_time, part_time or either" }),
    shifts: z
      .array(z.enum(["day", "evening", "night"], { error: "must be day, evening or night" }))
      .default(["day"]),
    weekends: z.boolean().default(false),
    contractCode: z.enum(CONTRACT_TYPES, { error: `must be one of ${CONTRACT_TYPES.join(", ")}` }).optional(),
    contractMonths: z.number().int().min(1).max(60).optional(),
    contractType: z.string().trim().min(1).max(60).optional(),
    startDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
      .optional(),
    places: z.number().int().min(1).max(500).default(1),
    dutchLevel: level.optional(),
    frenchLevel: level.optional(),
    workPermit: z.boolean().default(true),
    drivingLicence: z
      .string()
      .regex(/^[A-Za-z]{1,3}$/, "must be a licence category such as B or C")
      .optional(),
    cvNeeded: z.boolean().default(false),
    texts: z
      .partialRecord(
        z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` }),
        z.string().trim().min(1).max(1000),
      )
      .refine((t) => Object.keys(t).length > 0, "needs a text in at least one language"),
  })
  .refine((v) => (v.jobCode === undefined) !== (v.job === undefined), {
    path: ["jobCode"],
    message: listOrText("a job title"),
  })
  .refine((v) => (v.contractCode === undefined) !== (v.contractType === undefined), {
    path: ["contractCode"],
    message: listOrText("a contract type"),
  })
  .refine((v) => v.sector !== undefined || v.jobCode !== undefined, {
    path: ["sector"],
    message: "is required for a job written as free text",
  });
export type VacancyFields = z.input<typeof vacancyFields>;

/** The row's columns for parsed fields (the sector defaults to the job title's). */
function vacancyData(fields: z.output<typeof vacancyFields>) {
  const { startDate, jobCode, job, contractCode, contractType, contractMonths, sector, ...rest } = fields;
  return {
    ...rest,
    sector: sector ?? (jobCode ? JOB_TITLES[jobCode] : "else"),
    jobCode: jobCode ?? null,
    job: jobCode ? null : (job ?? null),
    contractCode: contractCode ?? null,
    contractType: contractCode ? null : (contractType ?? null),
    contractMonths: contractCode === "fixed_term" ? (contractMonths ?? null) : null,
    startDate: startDate ? new Date(`${startDate}T00:00:00Z`) : null,
  };
}

/** Records a vacancy of an organisation. */
export async function postVacancy(db: Db, organisationId: string, input: VacancyFields): Promise<Vacancy> {
  const data = vacancyData(parseInput(vacancyFields, input));
  return db.vacancy.create({ data: { ...data, organisationId } });
}

/** Changes an open vacancy of the organisation (texts added later, a date moved). */
export async function updateVacancy(
  db: Db,
  organisationId: string,
  vacancyId: string,
  input: VacancyFields,
): Promise<Vacancy> {
  const data = vacancyData(parseInput(vacancyFields, input));
  const found = await db.vacancy.findFirst({
    where: { id: vacancyId, organisationId },
    select: { id: true },
  });
  if (!found) throw new NotFoundError(`No vacancy with id ${vacancyId}.`);
  return db.vacancy.update({ where: { id: vacancyId }, data });
}

/** Records a vacancy for the organisation with this slug (the CLI). */
export async function createVacancy(
  db: Db,
  input: VacancyFields & { organisationSlug: string },
): Promise<Vacancy> {
  const { organisationSlug, ...fields } = input;
  const organisation = await db.organisation.findUnique({ where: { slug: organisationSlug } });
  if (!organisation) throw new DomainError(`No organisation "${organisationSlug}".`);
  return postVacancy(db, organisation.id, fields);
}

/** What matching needs from a stored vacancy. */
export function vacancyNeeds(vacancy: Vacancy): VacancyNeeds {
  return {
    sector: vacancy.sector,
    hours: vacancy.hours as VacancyNeeds["hours"],
    shifts: vacancy.shifts as VacancyNeeds["shifts"],
    weekends: vacancy.weekends,
    publicTransport: vacancy.publicTransport,
    ...(vacancy.dutchLevel ? { dutchLevel: vacancy.dutchLevel as VacancyNeeds["dutchLevel"] } : {}),
    ...(vacancy.frenchLevel ? { frenchLevel: vacancy.frenchLevel as VacancyNeeds["frenchLevel"] } : {}),
    ...(vacancy.drivingLicence ? { drivingLicence: vacancy.drivingLicence } : {}),
  };
}

export type RankedCandidate = MatchResult & {
  caseId: string;
  locale: string | undefined;
  /** Why, or why not, as message parts a counsellor reads in their language (match-notes.ts). */
  notes: Output[];
};

/**
 * The organisation's candidates for a vacancy, ranked, each with the language the vacancy would
 * reach them in (undefined: no text they read — add one before sending). Clients without consent,
 * without a self-assessment or with a closed case are not candidates.
 */
export async function matchVacancy(
  db: Db,
  input: { vacancyId: string; today: string },
): Promise<RankedCandidate[]> {
  const vacancy = await db.vacancy.findUnique({ where: { id: input.vacancyId } });
  if (!vacancy) throw new DomainError(`No vacancy with id ${input.vacancyId}.`);
  const cases = await db.case.findMany({
    where: {
      status: { not: "closed" },
      clientId: { not: null },
      programme: { organisationId: vacancy.organisationId },
    },
    select: {
      id: true,
      client: {
        select: {
          id: true,
          alertFrequency: true,
          consents: latestConsentSelect,
          conversations: { orderBy: { createdAt: "desc" }, take: 1, select: { locale: true } },
          assessments: {
            orderBy: { completedAt: "desc" },
            take: 1,
            select: { answers: true, legalAccessDate: true },
          },
          jobAlerts: { where: { status: "not_for_me" }, select: { declineReason: true } },
        },
      },
    },
  });
  const candidates: (Candidate & { caseId: string; locale: string | undefined })[] = [];
  for (const c of cases) {
    const client = c.client;
    const assessment = client?.assessments[0];
    if (client?.consents[0]?.decision !== "accepted" || !assessment) continue;
    const answers = assessment.answers as Record<string, Answer>;
    const declined: Candidate["declined"] = {};
    for (const alert of client.jobAlerts) {
      const reason = alert.declineReason as keyof NonNullable<Candidate["declined"]> | null;
      if (reason) declined[reason] = (declined[reason] ?? 0) + 1;
    }
    candidates.push({
      clientId: client.id,
      caseId: c.id,
      answers,
      legalAccessDate: assessment.legalAccessDate?.toISOString().slice(0, 10) ?? null,
      alerts: client.alertFrequency,
      declined,
      locale: vacancyLocaleFor(
        vacancy.texts as Record<string, string>,
        readableLocales(client.conversations[0]?.locale ?? null, answers),
      ),
    });
  }
  const byClient = new Map(candidates.map((c) => [c.clientId, c]));
  const needs = vacancyNeeds(vacancy);
  return rankCandidates(needs, candidates, input.today).map((result) => {
    const candidate = byClient.get(result.clientId);
    return {
      ...result,
      caseId: candidate?.caseId ?? "",
      locale: candidate?.locale,
      notes: candidate ? matchNotes(needs, candidate, result) : [],
    };
  });
}
