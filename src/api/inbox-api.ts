/**
 * The inbox as JSON: open handovers (`GET /handovers`), handing one back to the bot, a case's
 * transcript (`GET /cases/{id}/messages`) and writing to its client (`POST /cases/{id}/messages`
 * with free text or a quick reply, 202 once it is in the outbox; once per `Idempotency-Key`).
 */
import { z } from "zod";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DELIVERY_STATES } from "../domain/handovers/delivery-state.ts";
import { handoverForStaff, listOpenHandovers } from "../domain/handovers/handover-queries.ts";
import { QUICK_REPLY_KEYS, quickReplyParamsSchema } from "../domain/handovers/quick-replies.ts";
import { handBackToBot, type StaffReplyDeps, sendStaffMessage } from "../domain/handovers/staff-replies.ts";
import { caseTranscript } from "../domain/handovers/transcript.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";
import { idempotencyHeaders } from "./idempotency-key.ts";

const handoverItem = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  conversationId: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  clientLocale: z.string().nullable(),
  answeredAt: z.string().nullable(),
  flagged: z.boolean(),
  channel: z.enum(["telegram", "teams", "webchat"]),
});

const transcriptItem = z.object({
  id: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  author: z.enum(["client", "bot", "staff"]),
  staffName: z.string().nullable(),
  text: z.string().nullable(),
  choiceId: z.string().nullable(),
  status: z.enum(["received", "queued", "sending", "sent", "failed"]),
  /** `status` as staff read it: a failure told apart as `blocked` or `uncertain`. */
  delivery: z.enum(DELIVERY_STATES),
  channel: z.string(),
  locale: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** `{ "text": "…" }` or `{ "quickReply": "<key>", "params": {…} }`. */
export const staffMessageBody = z.union([
  z.object({ text: z.string().trim().min(1, "a message").max(4000, "at most 4000 characters") }).strict(),
  z
    .object({
      quickReply: z.enum(QUICK_REPLY_KEYS),
      params: quickReplyParamsSchema.optional(),
    })
    .strict(),
]);

/** A repeat of a message (same key, case and staff member), or another message under its key. */
const messageKey = idempotencyHeaders(
  "the same key again (same case, same staff member) sends nothing more and answers with the first messageId; another message under it is 400.",
);

/** What writing to clients needs, from the app's console context. */
export function replyDeps(context: {
  db: StaffReplyDeps["db"];
  translator: StaffReplyDeps["translator"];
  outbox: StaffReplyDeps["outbox"];
  flows: StaffReplyDeps["flows"];
  config: { TZ_DEFAULT: string };
}): StaffReplyDeps {
  const { db, translator, outbox, flows, config } = context;
  return { db, translator, outbox, flows, timeZone: config.TZ_DEFAULT };
}

export const inboxApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/handovers",
    summary:
      "Open handovers I may see (clients waiting for a person), the longest waiting first; `flagged=true`: only those unanswered after the working hours.",
    tags: ["inbox"],
    query: z.object({ flagged: z.enum(["true", "false"]).optional() }),
    response: z.object({ handovers: z.array(handoverItem) }),
    async handler({ staff, query, request }) {
      const items = await listOpenHandovers(request.server.consoleContext.db, staff, {
        flaggedOnly: query.flagged === "true",
      });
      return {
        handovers: items.map((h) => ({
          id: h.id,
          caseId: h.caseId,
          conversationId: h.conversationId,
          reason: h.reason,
          createdAt: h.createdAt.toISOString(),
          clientLocale: h.clientLocale,
          answeredAt: h.answeredAt?.toISOString() ?? null,
          flagged: h.flaggedAt !== null,
          channel: h.channel as "telegram" | "teams" | "webchat",
        })),
      };
    },
  });

  router.route({
    method: "POST",
    url: "/handovers/:id/hand-back",
    summary: "Hands the conversation back to the bot; the client is told so, with their waiting question.",
    tags: ["inbox"],
    params: idParams,
    response: z.object({ closed: z.boolean() }),
    async handler({ staff, params, request }) {
      const context = request.server.consoleContext;
      const handover = await handoverForStaff(context.db, staff, params.id);
      const closed = await handBackToBot(replyDeps(context), {
        handoverId: handover.id,
        staffId: staff.staffId,
      });
      return { closed };
    },
  });

  router.route({
    method: "GET",
    url: "/cases/:id/messages",
    summary: "The case's conversation, both directions, oldest first, with delivery status and author.",
    tags: ["inbox"],
    params: idParams,
    response: z.object({ messages: z.array(transcriptItem) }),
    async handler({ staff, params, request }) {
      const { db } = request.server.consoleContext;
      await requireCaseInScope(db, staff, params.id);
      const items = await caseTranscript(db, params.id);
      return {
        messages: items.map((m) => ({
          ...m,
          createdAt: m.createdAt.toISOString(),
          sentAt: m.sentAt?.toISOString() ?? null,
        })),
      };
    },
  });

  router.route({
    method: "POST",
    url: "/cases/:id/messages",
    summary:
      "Writes to the case's client through the outbox, as a person: free text as written, or a quick reply in their language.",
    tags: ["inbox"],
    params: idParams,
    body: staffMessageBody,
    headers: messageKey,
    status: 202,
    response: z.object({ messageId: z.string(), notInClientLanguage: z.boolean() }),
    async handler({ staff, params, body, headers, request }) {
      const context = request.server.consoleContext;
      await requireCaseInScope(context.db, staff, params.id);
      const key = headers["idempotency-key"];
      const sent = await sendStaffMessage(replyDeps(context), {
        caseId: params.id,
        staffId: staff.staffId,
        message: body,
        ...(key ? { idempotencyKey: `api:${params.id}:${staff.staffId}:${key}` } : {}),
      });
      return { messageId: sent.messageId.toString(), notInClientLanguage: sent.notInClientLanguage };
    },
  });
};
