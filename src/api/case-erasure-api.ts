/**
 * `POST /api/v1/cases/{id}/erase`: erases the person of a case at their request, made in person
 * or by phone (privacy/staff-erasure.ts) — the case's counsellor or a coordinator (another role
 * or counsellor 403, another organisation's case 404). The body must say `"confirm": true`. A
 * repeat finds nobody left and answers 200 with `alreadyErased: true`.
 */
import { z } from "zod";
import { eraseCaseClient } from "../domain/privacy/staff-erasure.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const eraseBody = z
  .object({
    confirm: z
      .literal(true)
      .describe("true: the person asked for it themselves, and the caller checked who they are"),
  })
  .strict();

const eraseResponse = z.object({
  caseId: z.string(),
  alreadyErased: z.boolean().describe("nobody was linked to the case any more: nothing was done now"),
  told: z.number().int().describe("the person's open chats that were sent the last message"),
});

export const caseErasureApi: ApiModule = (router) => {
  router.route({
    method: "POST",
    url: "/cases/:id/erase",
    summary:
      "Erase the person of a case everywhere, as /delete does (their request in person or by phone); a last message tells them.",
    tags: ["cases", "privacy"],
    params: idParams,
    body: eraseBody,
    response: eraseResponse,
    async handler({ staff, params, request }) {
      const { db, nudgeQueue, translator, farewell } = request.server.consoleContext;
      return eraseCaseClient({ db, queue: nudgeQueue, translator, farewell }, staff, params.id);
    },
  });
};
