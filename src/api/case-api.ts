/** `GET /api/v1/cases/{id}`: one case of my organisation (stewards: one they brought in). */
import { z } from "zod";
import { caseForStaff } from "../domain/cases/case-access.ts";
import { CASE_PIPELINE, statusHistory } from "../domain/cases/case-status-history.ts";
import type { ApiModule } from "./api-route.ts";

export const idParams = z.object({ id: z.string().min(1).max(100) });

const caseResponse = z.object({
  id: z.string(),
  status: z.enum(CASE_PIPELINE as [string, ...string[]]),
  programme: z.string().nullable(),
  counsellor: z.object({ name: z.string(), email: z.string() }).nullable(),
  reference: z.string().nullable(),
  clientLinked: z.boolean(),
  clientLocale: z.string().nullable(),
  createdAt: z.string(),
  linkedAt: z.string().nullable(),
  statusHistory: z.array(
    z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), by: z.string().nullable() }),
  ),
  assessment: z
    .object({
      flowId: z.string(),
      flowVersion: z.number(),
      completedAt: z.string(),
      answers: z.record(z.string(), z.unknown()),
      readiness: z.unknown(),
    })
    .nullable(),
});

export const caseApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/cases/:id",
    summary: "One case: status, programme, counsellor, status history and latest self-assessment (codes).",
    tags: ["cases"],
    params: idParams,
    response: caseResponse,
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      const overview = await caseForStaff(db, staff, params.id);
      const c = overview.case;
      const history = await statusHistory(db, c.id);
      return {
        id: c.id,
        status: c.status,
        programme: c.programmeSlug,
        counsellor:
          c.counsellorName && c.counsellorEmail ? { name: c.counsellorName, email: c.counsellorEmail } : null,
        reference: c.reference,
        clientLinked: c.clientLinked,
        clientLocale: c.clientLocale,
        createdAt: c.createdAt.toISOString(),
        linkedAt: c.linkedAt?.toISOString() ?? null,
        statusHistory: history.map((h) => ({
          from: h.from,
          to: h.to,
          at: h.at.toISOString(),
          by: h.actorName,
        })),
        assessment: overview.assessment
          ? {
              flowId: overview.assessment.flowId,
              flowVersion: overview.assessment.flowVersion,
              completedAt: overview.assessment.completedAt.toISOString(),
              answers: overview.assessment.answers,
              readiness: overview.assessment.readiness,
            }
          : null,
      };
    },
  });
};
