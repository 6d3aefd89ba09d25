/**
 * Vacancies as JSON: the translated lists a job title and contract come from, my organisation's
 * vacancies, posting and changing one, and one with its card per client language exactly as the
 * alert will show it. Counsellors and coordinators (a steward: 403).
 */
import { z } from "zod";
import { jobAlertCard } from "../domain/vacancies/job-alerts.ts";
import { postVacancy, updateVacancy, vacancyFields } from "../domain/vacancies/vacancies.ts";
import { listVacancies, requireVacancyRole, vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import { CONTRACT_TYPES, JOB_TITLE_CODES, JOB_TITLES } from "../domain/vacancies/vacancy-lists.ts";
import type { Vacancy } from "../generated/prisma/client.ts";
import { renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const vacancyItem = z.object({
  id: z.string(),
  status: z.enum(["open", "filled", "closed"]),
  employer: z.string(),
  employerHidden: z.boolean(),
  jobCode: z.string().nullable(),
  job: z.string().nullable(),
  sector: z.string(),
  municipality: z.string(),
  access: z.string().nullable(),
  publicTransport: z.boolean(),
  hours: z.string(),
  shifts: z.array(z.string()),
  weekends: z.boolean(),
  contractCode: z.string().nullable(),
  contractMonths: z.number().nullable(),
  contractType: z.string().nullable(),
  startDate: z.string().nullable(),
  places: z.number(),
  dutchLevel: z.string().nullable(),
  frenchLevel: z.string().nullable(),
  workPermit: z.boolean(),
  drivingLicence: z.string().nullable(),
  cvNeeded: z.boolean(),
  texts: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

const withCards = vacancyItem.extend({
  /** The alert card per language that has a text, as the client will read it. */
  cards: z.record(z.string(), z.string()),
});

function vacancyJson(v: Vacancy) {
  return {
    ...v,
    status: v.status,
    texts: (v.texts ?? {}) as Record<string, string>,
    startDate: v.startDate?.toISOString().slice(0, 10) ?? null,
    createdAt: v.createdAt.toISOString(),
    organisationId: undefined,
  };
}

function cardsOf(v: Vacancy, translator: Translator): Record<string, string> {
  const texts = (v.texts ?? {}) as Record<string, string>;
  const cards: Record<string, string> = {};
  for (const locale of CLIENT_LOCALES) {
    if (!texts[locale]) continue;
    const [card] = renderOutputs([jobAlertCard("-", v, locale)], locale, translator);
    if (card) cards[locale] = card.message.text;
  }
  return cards;
}

const labels = (translator: Translator, key: string) =>
  Object.fromEntries(CLIENT_LOCALES.map((locale) => [locale, translator.t(key, locale)]));

export const vacancyApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/vacancy-lists",
    summary:
      "The job titles (with their sector) and contract types a vacancy is chosen from, in every client language.",
    tags: ["vacancies"],
    response: z.object({
      jobTitles: z.array(
        z.object({ code: z.string(), sector: z.string(), labels: z.record(z.string(), z.string()) }),
      ),
      contractTypes: z.array(z.object({ code: z.string(), labels: z.record(z.string(), z.string()) })),
    }),
    async handler({ staff, request }) {
      requireVacancyRole(staff);
      const { translator } = request.server.consoleContext;
      return {
        jobTitles: JOB_TITLE_CODES.map((code) => ({
          code,
          sector: JOB_TITLES[code],
          labels: labels(translator, `vacancy.title_${code}`),
        })),
        contractTypes: CONTRACT_TYPES.map((code) => ({
          code,
          labels: labels(translator, `vacancy.contract_${code}`),
        })),
      };
    },
  });

  router.route({
    method: "GET",
    url: "/vacancies",
    summary: "My organisation's vacancies, open ones first, newest first.",
    tags: ["vacancies"],
    response: z.object({ vacancies: z.array(vacancyItem) }),
    async handler({ staff, request }) {
      const vacancies = await listVacancies(request.server.consoleContext.db, staff);
      return { vacancies: vacancies.map(({ alerts: _alerts, ...v }) => vacancyJson(v)) };
    },
  });

  router.route({
    method: "POST",
    url: "/vacancies",
    summary:
      "Posts a vacancy: jobCode and contractCode from /vacancy-lists (job or contractType as free text only as a last resort), a text per client language.",
    tags: ["vacancies"],
    body: vacancyFields,
    status: 201,
    response: withCards,
    async handler({ staff, body, request }) {
      requireVacancyRole(staff);
      const { db, translator } = request.server.consoleContext;
      const vacancy = await postVacancy(db, staff.organisationId, body);
      return { ...vacancyJson(vacancy), cards: cardsOf(vacancy, translator) };
    },
  });

  router.route({
    method: "GET",
    url: "/vacancies/:id",
    summary: "One vacancy, with its alert card per client language as the client will read it.",
    tags: ["vacancies"],
    params: idParams,
    response: withCards,
    async handler({ staff, params, request }) {
      const { db, translator } = request.server.consoleContext;
      const vacancy = await vacancyForStaff(db, staff, params.id);
      return { ...vacancyJson(vacancy), cards: cardsOf(vacancy, translator) };
    },
  });

  router.route({
    method: "PUT",
    url: "/vacancies/:id",
    summary: "Changes a vacancy (all fields, as for posting).",
    tags: ["vacancies"],
    params: idParams,
    body: vacancyFields,
    response: withCards,
    async handler({ staff, params, body, request }) {
      const { db, translator } = request.server.consoleContext;
      const found = await vacancyForStaff(db, staff, params.id);
      const vacancy = await updateVacancy(db, staff.organisationId, found.id, body);
      return { ...vacancyJson(vacancy), cards: cardsOf(vacancy, translator) };
    },
  });
};
