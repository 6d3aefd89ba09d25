/**
 * The case page's placement forms: `POST /console/cases/:id/placements` records one (its
 * check-ins are planned, the case becomes "working"), `POST /console/placements/:id/end` ends it
 * (its check-ins still to come are cancelled). The same domain functions as the CLI.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { placementCaseInScope } from "../domain/cases/case-items.ts";
import { endPlacement, recordPlacement } from "../domain/placements/placements.ts";
import { backToCase, caseAction, caseOfUrl, formOf, idOf } from "./case-actions.ts";
import { staffOf } from "./require-staff.ts";
import { placementDeps } from "./scheduling-deps.ts";

const text = z.string().max(1000).optional().default("");
const recordForm = z.object({ employer: text, job: text, contractType: text, startDate: text });
const endForm = z.object({ endedOn: text });

export function placementPages(http: FastifyInstance): void {
  const context = () => http.consoleContext;
  caseAction(http, "/console/cases/:id/placements", caseOfUrl, async (request, reply, caseId) => {
    await recordPlacement(placementDeps(context()), { caseId, ...formOf(recordForm, request.body) });
    return backToCase(reply, caseId, "placements", "placement_recorded");
  });
  caseAction(
    http,
    "/console/placements/:id/end",
    (request) => placementCaseInScope(context().db, staffOf(request), idOf(request)),
    async (request, reply, caseId) => {
      const form = formOf(endForm, request.body);
      await endPlacement(placementDeps(context()), { placementId: idOf(request), endedOn: form.endedOn });
      return backToCase(reply, caseId, "placements", "placement_ended");
    },
  );
}
