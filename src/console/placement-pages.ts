/**
 * The case page's placement forms: `POST /console/cases/:id/placements` records one (its
 * check-ins are planned, the case becomes "working"), `POST /console/placements/:id/end` ends it
 * (its check-ins still to come are cancelled). The same domain functions as the CLI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { placementCaseInScope } from "../domain/cases/case-items.ts";
import { endPlacement, recordPlacement } from "../domain/placements/placements.ts";
import { attempt, formOf } from "./case-actions.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { placementDeps } from "./scheduling-deps.ts";

const text = z.string().max(1000).optional().default("");
const recordForm = z.object({ employer: text, job: text, contractType: text, startDate: text });
const endForm = z.object({ endedOn: text });

const idOf = (request: FastifyRequest) => String((request.params as { id?: unknown }).id ?? "");
const back = (reply: FastifyReply, caseId: string, done: string) =>
  reply.redirect(`/console/cases/${encodeURIComponent(caseId)}?done=${done}#placements`, 303);

export function placementPages(http: FastifyInstance): void {
  const context = () => http.consoleContext;
  http.post("/console/cases/:id/placements", { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      async () => {
        await requireCaseInScope(context().db, staffOf(request), idOf(request));
        return idOf(request);
      },
      async (caseId) => {
        await recordPlacement(placementDeps(context()), { caseId, ...formOf(recordForm, request.body) });
        return back(reply, caseId, "placement_recorded");
      },
    ),
  );
  http.post("/console/placements/:id/end", { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      () => placementCaseInScope(context().db, staffOf(request), idOf(request)),
      async (caseId) => {
        const form = formOf(endForm, request.body);
        await endPlacement(placementDeps(context()), { placementId: idOf(request), endedOn: form.endedOn });
        return back(reply, caseId, "placement_ended");
      },
    ),
  );
}
