/**
 * A vacancy's match list and sending as JSON: `GET /vacancies/{id}/matches` (ranked, with the
 * reasons and exclusions as codes and in my language, the language each would get it in, and the
 * alert's answer) and `POST /vacancies/{id}/send` (job alerts through the outbox, never twice).
 */
import { z } from "zod";
import { sendJobAlerts } from "../domain/vacancies/job-alerts.ts";
import { vacancyForStaff } from "../domain/vacancies/vacancy-access.ts";
import { todayIn, vacancyCandidates } from "../domain/vacancies/vacancy-candidates.ts";
import { renderOutputs } from "../i18n/render.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const candidateItem = z.object({
  caseId: z.string(),
  name: z.string().nullable(),
  included: z.boolean(),
  score: z.number().nullable(),
  codes: z.array(z.string()),
  /** The reasons (or exclusions) in my language. */
  notes: z.array(z.string()),
  mayBeAdded: z.boolean(),
  locale: z.string().nullable(),
  alert: z
    .object({
      status: z.enum(["digest_pending", "sent", "interested", "not_for_me", "more_info"]),
      declineReason: z.string().nullable(),
      answeredAt: z.string().nullable(),
      taskId: z.string().nullable(),
    })
    .nullable(),
});

const caseIds = z.array(z.string().min(1).max(100)).max(1000);

export const vacancyMatchApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/vacancies/:id/matches",
    summary:
      "The vacancy's candidates: ranked, with why (codes and words), the left out with why, and each alert's answer.",
    tags: ["vacancies"],
    params: idParams,
    response: z.object({ candidates: z.array(candidateItem) }),
    async handler({ staff, params, request }) {
      const { db, translator, config } = request.server.consoleContext;
      const vacancy = await vacancyForStaff(db, staff, params.id);
      const rows = await vacancyCandidates(db, vacancy, { timeZone: config.TZ_DEFAULT });
      return {
        candidates: rows.map(({ clientId: _client, notes, alert, ...row }) => ({
          ...row,
          notes: renderOutputs(notes, staff.locale, translator).map((r) => r.message.text),
          alert: alert
            ? {
                status: alert.status,
                declineReason: alert.declineReason,
                answeredAt: alert.answeredAt?.toISOString() ?? null,
                taskId: alert.taskId,
              }
            : null,
        })),
      };
    },
  });

  router.route({
    method: "POST",
    url: "/vacancies/:id/send",
    summary:
      "Sends the vacancy to its matching clients, minus `exclude`, plus `include` (left out for fit only), through the outbox.",
    tags: ["vacancies"],
    params: idParams,
    body: z.object({ include: caseIds.optional(), exclude: caseIds.optional() }).strict(),
    response: z.object({
      sent: z.array(z.string()),
      digest: z.array(z.string()),
      noText: z.array(z.string()),
      notNow: z.array(z.string()),
      excluded: z.array(z.string()),
      cannotAdd: z.array(z.string()),
    }),
    async handler({ staff, params, body, request }) {
      const { db, translator, config, outbox } = request.server.consoleContext;
      const vacancy = await vacancyForStaff(db, staff, params.id);
      return sendJobAlerts(
        { db, translator, outbox },
        {
          vacancyId: vacancy.id,
          today: todayIn(config.TZ_DEFAULT),
          includeCaseIds: body.include ?? [],
          excludeCaseIds: body.exclude ?? [],
        },
      );
    },
  });
};
