/**
 * `GET /api/v1/leads` (every client with no counsellor, oldest first) and
 * `POST /api/v1/leads/{caseId}/assign` `{ counsellorEmail, programme? }`.
 */
import { z } from "zod";
import { assignLead, assignLeadBody, leadsForStaff } from "../domain/cases/lead-assignment.ts";
import type { ApiModule } from "./api-route.ts";

const leadItem = z.object({
  caseId: z.string(),
  status: z.string(),
  programme: z.string().nullable(),
  clientLocale: z.string().nullable(),
  clientName: z.string().nullable(),
  createdAt: z.string(),
});

export const leadApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/leads",
    summary: "Leads I may see: every client with no counsellor, whatever the case status, oldest first.",
    tags: ["leads"],
    response: z.object({ leads: z.array(leadItem) }),
    async handler({ staff, request }) {
      const leads = await leadsForStaff(request.server.consoleContext.db, staff);
      return {
        leads: leads.map((lead) => ({
          caseId: lead.caseId,
          status: lead.status,
          programme: lead.programmeSlug,
          clientLocale: lead.clientLocale,
          clientName: lead.clientName,
          createdAt: lead.createdAt.toISOString(),
        })),
      };
    },
  });
  router.route({
    method: "POST",
    url: "/leads/:caseId/assign",
    summary:
      "Assign a lead to a counsellor (a counsellor: to themselves; a coordinator: to anyone). The client is told, in their language.",
    tags: ["leads"],
    params: z.object({ caseId: z.string().min(1).max(100) }),
    body: assignLeadBody,
    response: z.object({
      caseId: z.string(),
      counsellorId: z.string(),
      programme: z.string(),
      status: z.string(),
      clientTold: z.boolean(),
    }),
    async handler({ staff, params, body, request }) {
      const { db, outbox, translator } = request.server.consoleContext;
      const done = await assignLead({ db, outbox, translator }, staff, params.caseId, body);
      return {
        caseId: done.caseId,
        counsellorId: done.counsellorId,
        programme: done.programmeSlug,
        status: done.status,
        clientTold: done.clientTold,
      };
    },
  });
};
