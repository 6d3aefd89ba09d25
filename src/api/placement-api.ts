/**
 * Placements of a case, as the case page does them: `GET /cases/{id}/placements` (with their
 * check-ins), `POST /cases/{id}/placements` (plans the check-ins, the case becomes "working"),
 * `POST /placements/{id}/end` (the check-ins still to come are cancelled). The CLI's domain.
 */
import { z } from "zod";
import { placementDeps } from "../console/scheduling-deps.ts";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { placementCaseInScope } from "../domain/cases/case-items.ts";
import { placementJson } from "../domain/placements/placement-json.ts";
import { endPlacement, recordPlacement } from "../domain/placements/placements.ts";
import type { CheckIn, Placement } from "../generated/prisma/client.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const placementSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  employer: z.string(),
  job: z.string(),
  contractType: z.string(),
  startDate: isoDate,
  status: z.enum(["active", "ended"]),
  endedOn: isoDate.nullable(),
  checkIns: z.array(
    z.object({
      point: z.string(),
      dueAt: z.string(),
      sentAt: z.string().nullable(),
      answeredAt: z.string().nullable(),
      escalated: z.boolean(),
    }),
  ),
});

function toJson(p: Placement & { checkIns: CheckIn[] }): z.output<typeof placementSchema> {
  return {
    ...placementJson(p),
    checkIns: p.checkIns.map((c) => ({
      point: c.point,
      dueAt: c.dueAt.toISOString(),
      sentAt: c.sentAt?.toISOString() ?? null,
      answeredAt: c.answeredAt?.toISOString() ?? null,
      escalated: c.escalated,
    })),
  };
}

const withCheckIns = { checkIns: { orderBy: { dueAt: "asc" as const } } };

export const placementApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/cases/:id/placements",
    summary: "A case's placements, newest first, with their check-ins.",
    tags: ["placements"],
    params: idParams,
    response: z.object({ placements: z.array(placementSchema) }),
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      await requireCaseInScope(db, staff, params.id);
      const rows = await db.placement.findMany({
        where: { caseId: params.id },
        orderBy: { startDate: "desc" },
        include: withCheckIns,
      });
      return { placements: rows.map(toJson) };
    },
  });
  router.route({
    method: "POST",
    url: "/cases/:id/placements",
    summary: "Records that the client started work: plans the check-ins; the case becomes working.",
    tags: ["placements"],
    params: idParams,
    body: z
      .object({
        employer: z.string().min(1).max(120),
        job: z.string().min(1).max(120),
        contractType: z.string().min(1).max(60),
        startDate: isoDate,
      })
      .strict(),
    status: 201,
    response: placementSchema,
    async handler({ staff, params, body, request }) {
      const { db } = request.server.consoleContext;
      await requireCaseInScope(db, staff, params.id);
      const created = await recordPlacement(placementDeps(request.server.consoleContext), {
        caseId: params.id,
        ...body,
      });
      return toJson(
        await db.placement.findUniqueOrThrow({ where: { id: created.id }, include: withCheckIns }),
      );
    },
  });
  router.route({
    method: "POST",
    url: "/placements/:id/end",
    summary: "Records that a placement ended: the check-ins still to come are cancelled.",
    tags: ["placements"],
    params: idParams,
    body: z.object({ endedOn: isoDate }).strict(),
    response: placementSchema,
    async handler({ staff, params, body, request }) {
      const { db } = request.server.consoleContext;
      await placementCaseInScope(db, staff, params.id);
      await endPlacement(placementDeps(request.server.consoleContext), {
        placementId: params.id,
        endedOn: body.endedOn,
      });
      return toJson(
        await db.placement.findUniqueOrThrow({ where: { id: params.id }, include: withCheckIns }),
      );
    },
  });
};
