/**
 * Broadcasts as JSON: list them, preview a segment with texts (who gets which language, who is
 * missing a text, when it goes out after quiet hours), create one (refused while a language in
 * the segment has neither a text nor an explicit fallback), follow its report, cancel it.
 * Counsellors and coordinators of the organisation; a steward gets 403. The same domain
 * functions as the CLI and the console pages.
 */

import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { broadcastReport } from "../domain/broadcasts/broadcast-report.ts";
import { broadcastInScope, broadcastSender } from "../domain/broadcasts/broadcast-staff.ts";
import {
  type BroadcastDeps,
  broadcastInput,
  cancelBroadcast,
  createBroadcast,
  createBroadcastOnce,
  listBroadcasts,
  previewBroadcast,
  previewStored,
} from "../domain/broadcasts/broadcasts.ts";
import { describeSegment, segmentSchema } from "../domain/broadcasts/segment.ts";
import type { ApiModule, ApiRouter } from "./api-route.ts";
import { idParams } from "./case-api.ts";
import { idempotencyHeaders } from "./idempotency-key.ts";

/** The body of a preview or a broadcast: segment, texts per language, fallbacks, time, kind. */
export const broadcastBody = broadcastInput.omit({ organisationSlug: true, counsellorEmail: true }).strict();

/** A repeat of a broadcast (same key, same staff member): the first one, not a second. */
const broadcastKey = idempotencyHeaders(
  "the same key again (same staff member) creates no second broadcast and answers with the first one (its preview as of now), whatever the body.",
);
const date = z.string().describe("ISO 8601");
const previewResponse = z.object({
  recipients: z.number().int(),
  byLanguage: z.array(
    z.object({ locale: z.string(), people: z.number().int(), textLocale: z.string().nullable() }),
  ),
  missing: z.array(z.object({ locale: z.string(), people: z.number().int() })),
  optedOut: z.number().int(),
  blocked: z.number().int(),
  noConversation: z.number().int(),
  sendAt: date,
  movedOutOfQuietHours: z.boolean(),
  timeZone: z.string(),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
});
const count = z.number().int();
const reportResponse = z.object({
  broadcast: z.object({
    id: z.string(),
    kind: z.enum(["job_update", "programme"]),
    status: z.enum(["scheduled", "sending", "sent", "cancelled"]),
    sendAt: date,
    startedAt: date.nullable(),
    finishedAt: date.nullable(),
    cancelledAt: date.nullable(),
    createdAt: date,
  }),
  segment: z.string(),
  recipients: count,
  sent: count,
  pending: count,
  failed: count,
  uncertain: count,
  blocked: count,
  optedOut: count,
  noText: count,
  erased: count,
  cancelled: count,
  replied: z.array(
    z.object({
      caseId: z.string().nullable(),
      reference: z.string().nullable(),
      name: z.string().nullable(),
      at: date,
    }),
  ),
});

/** The domain's broadcast dependencies from a request's app. */
export function broadcastDeps(request: FastifyRequest): BroadcastDeps {
  const { db, broadcastQueue, config } = request.server.consoleContext;
  return { db, queue: broadcastQueue, defaultTimeZone: config.TZ_DEFAULT };
}

export const broadcastApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/broadcasts",
    summary: "The organisation's broadcasts, newest first (at most 50).",
    tags: ["broadcasts"],
    response: z.object({
      broadcasts: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          status: z.string(),
          segment: z.string(),
          sendAt: date,
          createdAt: date,
        }),
      ),
    }),
    async handler({ staff, request }) {
      const { db } = request.server.consoleContext;
      const sender = await broadcastSender(db, staff);
      const broadcasts = await listBroadcasts(db, sender.organisationSlug, 50);
      return {
        broadcasts: broadcasts.map((b) => ({
          id: b.id,
          kind: b.kind,
          status: b.status,
          segment: describeSegment(segmentSchema.parse(b.segment)),
          sendAt: b.sendAt,
          createdAt: b.createdAt,
        })),
      };
    },
  });
  router.route({
    method: "POST",
    url: "/broadcasts/preview",
    summary:
      "Who a broadcast would reach, per language, which languages still need a text or a fallback, and when it would go out (quiet hours). Creates nothing.",
    tags: ["broadcasts"],
    body: broadcastBody,
    response: previewResponse,
    async handler({ staff, body, request }) {
      const sender = await broadcastSender(request.server.consoleContext.db, staff);
      return previewBroadcast(broadcastDeps(request), { ...body, ...sender });
    },
  });
  router.route({
    method: "POST",
    url: "/broadcasts",
    summary:
      "Creates a broadcast for now or a local time (`at`: YYYY-MM-DD HH:MM, moved out of quiet hours). 400 while a language in the segment has neither a text nor an explicit fallback.",
    tags: ["broadcasts"],
    body: broadcastBody,
    headers: broadcastKey,
    status: 201,
    response: z.object({ id: z.string(), status: z.string(), sendAt: date, preview: previewResponse }),
    async handler({ staff, body, headers, request }) {
      const sender = await broadcastSender(request.server.consoleContext.db, staff);
      const input = { ...body, ...sender };
      const key = headers["idempotency-key"];
      if (!key) {
        const { broadcast, preview } = await createBroadcast(broadcastDeps(request), input);
        return { id: broadcast.id, status: broadcast.status, sendAt: broadcast.sendAt, preview };
      }
      // Once per key and staff member; a repeat answers with the first broadcast, previewed now.
      const deps = broadcastDeps(request);
      const made = await createBroadcastOnce(deps, input, `api:${staff.staffId}:${key}`);
      const { broadcast } = made;
      const preview = made.preview ?? (await previewStored(deps, broadcast, sender));
      return { id: broadcast.id, status: broadcast.status, sendAt: broadcast.sendAt, preview };
    },
  });
  reportRoutes(router);
};

/** A broadcast's report and its cancel. */
function reportRoutes(router: ApiRouter): void {
  router.route({
    method: "GET",
    url: "/broadcasts/:id",
    summary:
      "A broadcast's report: sent, pending, failed (uncertain apart), blocked, opted out, no text, erased, cancelled, and who replied.",
    tags: ["broadcasts"],
    params: idParams,
    response: reportResponse,
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      const sender = await broadcastInScope(db, staff, params.id);
      return broadcastReport(db, { broadcastId: params.id, organisationSlug: sender.organisationSlug });
    },
  });
  router.route({
    method: "POST",
    url: "/broadcasts/:id/cancel",
    summary:
      "Stops a broadcast: nobody more gets it; messages still queued are withdrawn, those sent stay sent.",
    tags: ["broadcasts"],
    params: idParams,
    response: z.object({ withdrawn: count, notWritten: count }),
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      const sender = await broadcastInScope(db, staff, params.id);
      return cancelBroadcast(db, { broadcastId: params.id, organisationSlug: sender.organisationSlug });
    },
  });
}
