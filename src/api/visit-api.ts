/**
 * Matchmaking days as JSON: `PUT /vacancies/{id}/visit` gives a vacancy its company visit (slots
 * that interested clients pick by buttons), `GET /visits` the organisation's visits per company
 * with who comes when.
 */
import { z } from "zod";
import { setCompanyVisit, visitInput, visitsByCompany } from "../domain/vacancies/company-visits.ts";
import { requireVacancyRole, vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const slotItem = z.object({
  id: z.string(),
  startsAt: z.string(),
  caseId: z.string().nullable(),
  response: z.string().nullable(),
});

export const visitApi: ApiModule = (router) => {
  router.route({
    method: "PUT",
    url: "/vacancies/:id/visit",
    summary:
      "Gives the vacancy its company visit: a day, slots of some minutes from a first time, a place, who they meet.",
    tags: ["vacancies"],
    params: idParams,
    body: visitInput,
    response: z.object({
      id: z.string(),
      slots: z.array(z.object({ id: z.string(), startsAt: z.string() })),
    }),
    async handler({ staff, params, body, request }) {
      const { db, config } = request.server.consoleContext;
      const vacancy = await vacancyForStaff(db, staff, params.id);
      const visit = await setCompanyVisit(db, vacancy, body, config.TZ_DEFAULT);
      return {
        id: visit.id,
        slots: visit.slots.map((s) => ({ id: s.id, startsAt: s.startsAt.toISOString() })),
      };
    },
  });

  router.route({
    method: "GET",
    url: "/visits",
    summary: "My organisation's company visits per company, each slot with the case booked in it.",
    tags: ["vacancies"],
    response: z.object({
      companies: z.array(
        z.object({
          employer: z.string(),
          visits: z.array(
            z.object({
              vacancyId: z.string(),
              place: z.string(),
              host: z.string(),
              slots: z.array(slotItem),
            }),
          ),
        }),
      ),
    }),
    async handler({ staff, request }) {
      requireVacancyRole(staff);
      const companies = await visitsByCompany(request.server.consoleContext.db, staff.organisationId);
      return {
        companies: companies.map((c) => ({
          employer: c.employer,
          visits: c.visits.map((v) => ({
            vacancyId: v.vacancyId,
            place: v.place,
            host: v.host,
            slots: v.slots.map((s) => ({
              id: s.id,
              startsAt: s.startsAt.toISOString(),
              caseId: s.appointment?.status === "scheduled" ? s.appointment.caseId : null,
              response: s.appointment?.status === "scheduled" ? (s.appointment.response ?? null) : null,
            })),
          })),
        })),
      };
    },
  });
};
