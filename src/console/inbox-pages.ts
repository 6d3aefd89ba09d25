/**
 * The inbox in the console: `GET /console/inbox` (clients waiting for a person, the longest
 * waiting first; new ones appear by server-sent events, no reload), the conversation view and its
 * live transcript, sending a reply (`POST /console/cases/:id/messages`), the quick-reply preview
 * in the client's language, and handing back to the bot. The same domain functions as
 * /api/v1/handovers and /api/v1/cases/{id}/messages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { replyDeps, staffMessageBody } from "../api/inbox-api.ts";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { handoverForStaff, type InboxItem, listOpenHandovers } from "../domain/handovers/handover-queries.ts";
import { handoverReasonKey } from "../domain/handovers/handover-reasons.ts";
import {
  missingParams,
  QUICK_REPLY_KEYS,
  quickReplyParamsSchema,
  renderQuickReply,
} from "../domain/handovers/quick-replies.ts";
import { handBackToBot, sendStaffMessage } from "../domain/handovers/staff-replies.ts";
import { caseTranscript } from "../domain/handovers/transcript.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { consoleText } from "./console-context.ts";
import { languageName, showConversation, type T, transcriptHtml } from "./conversation-page.ts";
import { openEventStream } from "./event-stream.ts";
import { html, type SafeHtml } from "./html.ts";
import { inboxHub } from "./inbox-hub.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

/** The `:id` of the route (an over-long one is simply not there). */
function idOf(request: FastifyRequest): string {
  const id = String((request.params as { id?: unknown }).id ?? "");
  if (!id || id.length > 100) throw new NotFoundError("No such page.");
  return id;
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Another organisation's id (or none at all) answers the console's 404 page. */
function scoped(handler: Handler): Handler {
  return async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
      throw error;
    }
  };
}
const sendForm = z.object({
  kind: z.enum(["quick", "text"]),
  text: z.string().max(4000).optional(),
  quickReply: z.string().max(40).optional(),
  date: z.string().max(10).optional(),
  time: z.string().max(5).optional(),
  place: z.string().max(120).optional(),
});

const textOf =
  (request: FastifyRequest, staff: StaffIdentity): T =>
  (key, params) =>
    consoleText(request.server.consoleContext.translator, staff.locale, key, params);

function reasonWords(request: FastifyRequest, staff: StaffIdentity, reason: string): string {
  const key = `counsellor.${handoverReasonKey(reason)}`;
  return request.server.consoleContext.translator.t(key, staff.locale);
}

/** The list of open handovers (the page's body, and what the stream swaps in). */
function inboxList(request: FastifyRequest, staff: StaffIdentity, items: InboxItem[]): SafeHtml {
  const t = textOf(request, staff);
  const { translator, config } = request.server.consoleContext;
  if (!items.length) return html`<p>${t("inbox_none")}</p>`;
  return html`<ul class="inbox">${items.map(
    (item) => html`<li class="card${item.flaggedAt ? " flagged" : ""}">
<h2>${item.caseId ? html`<a href="/console/cases/${item.caseId}/conversation">${item.clientName ?? item.caseReference ?? t("client_without_name")}</a>` : (item.clientName ?? t("client_without_name"))}</h2>
<p>${reasonWords(request, staff, item.reason)}</p>
<dl class="fields">
  <dt>${t("language")}</dt><dd>${languageName(request, staff, item.clientLocale)}</dd>
  <dt>${t("waiting_since")}</dt><dd>${translator.formatDateTime(item.createdAt, staff.locale, config.TZ_DEFAULT)}</dd>
  <dt>${t("status")}</dt><dd>${item.flaggedAt ? html`<strong>${t("flagged")}</strong>` : item.answeredAt ? t("answered") : t("not_answered")}</dd>
</dl>
</li>`,
  )}</ul>`;
}

/** Opens a stream that sends `render()` as event `event` on every inbox change of the organisation. */
async function liveStream(
  http: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  event: string,
  render: () => Promise<SafeHtml>,
) {
  const staff = staffOf(request);
  const stream = openEventStream(request, reply);
  const unsubscribe = await inboxHub(http).subscribe(staff.organisationId, () => {
    render().then(
      (fragment) => stream.send(event, fragment),
      (error: Error) =>
        http.consoleContext.logger.warn({ err: { message: error.message } }, "live view failed"),
    );
  });
  stream.closed.then(unsubscribe, unsubscribe);
}

export function inboxPages(http: FastifyInstance): void {
  inboxHub(http); // registers its close hook now, before the app listens
  http.get("/console/inbox", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const t = textOf(request, staff);
    const items = await listOpenHandovers(http.consoleContext.db, staff);
    return renderPage(
      reply,
      staff,
      t("inbox_title"),
      html`<p class="muted">${t("inbox_intro")}</p>
<div hx-ext="sse" sse-connect="/console/inbox/events"><div id="inbox-list" sse-swap="inbox" aria-live="polite">${inboxList(request, staff, items)}</div></div>`,
    );
  });

  http.get("/console/inbox/events", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    await liveStream(http, request, reply, "inbox", async () =>
      inboxList(request, staff, await listOpenHandovers(http.consoleContext.db, staff)),
    );
  });

  http.get(
    "/console/cases/:id/conversation",
    { preHandler: requireStaff },
    scoped(async (request, reply) => {
      const id = idOf(request);
      const query = request.query as { sent?: string; foreign?: string };
      return showConversation(request, reply, id, {
        sent: query.sent === "1",
        foreign: query.foreign === "1",
      });
    }),
  );

  http.get(
    "/console/cases/:id/conversation/events",
    { preHandler: requireStaff },
    scoped(async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request);
      await requireCaseInScope(http.consoleContext.db, staff, id);
      await liveStream(http, request, reply, "transcript", async () =>
        transcriptHtml(
          request,
          staff,
          textOf(request, staff),
          await caseTranscript(http.consoleContext.db, id),
        ),
      );
    }),
  );

  http.get(
    "/console/cases/:id/quick-reply-preview",
    { preHandler: requireStaff },
    scoped(async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request);
      const { db, translator } = http.consoleContext;
      await requireCaseInScope(db, staff, id);
      const query = request.query as Record<string, string | undefined>;
      const key = QUICK_REPLY_KEYS.find((k) => k === query.quickReply) ?? QUICK_REPLY_KEYS[0];
      const params = quickReplyParamsSchema.safeParse({
        ...(query.date ? { date: query.date } : {}),
        ...(query.time ? { time: query.time } : {}),
        ...(query.place ? { place: query.place } : {}),
      });
      const c = await db.case.findUniqueOrThrow({
        where: { id },
        select: { client: { select: { locale: true } } },
      });
      const locale = c.client?.locale ?? "en";
      const t = textOf(request, staff);
      const missing = params.success ? missingParams(key, params.data) : [];
      const rendered = renderQuickReply(translator, {
        key,
        params: params.success ? params.data : {},
        locale,
      });
      return reply.type("text/html; charset=utf-8").send(
        String(html`<p class="muted">${t("preview_in", { language: languageName(request, staff, locale) })}${missing.length ? html` — ${t("fill_in")}: ${missing.map((m) => t(m)).join(", ")}` : ""}</p>
<p class="bubble" lang="${locale}" dir="${rendered.direction}">${rendered.text}</p>`),
      );
    }),
  );

  http.post(
    "/console/cases/:id/messages",
    { preHandler: requireStaff },
    scoped(async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request);
      const form = sendForm.safeParse(request.body ?? {});
      const context = http.consoleContext;
      try {
        await requireCaseInScope(context.db, staff, id);
        if (!form.success) throw new DomainError("invalid form");
        const f = form.data;
        const message = staffMessageBody.safeParse(
          f.kind === "text"
            ? { text: f.text ?? "" }
            : {
                quickReply: f.quickReply,
                params: Object.fromEntries(
                  Object.entries({ date: f.date, time: f.time, place: f.place }).filter(([, v]) => v),
                ),
              },
        );
        if (!message.success) throw new DomainError(textOf(request, staff)("reply_invalid"));
        const sent = await sendStaffMessage(replyDeps(context), {
          caseId: id,
          staffId: staff.staffId,
          message: message.data,
        });
        return reply.redirect(
          `/console/cases/${id}/conversation?sent=1${sent.notInClientLanguage ? "&foreign=1" : ""}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.name === "NotFoundError") throw error;
        return showConversation(request, reply.code(400), id, { error: error.message });
      }
    }),
  );

  http.post(
    "/console/handovers/:id/hand-back",
    { preHandler: requireStaff },
    scoped(async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request);
      const context = http.consoleContext;
      const handover = await handoverForStaff(context.db, staff, id);
      await handBackToBot(replyDeps(context), { handoverId: handover.id, staffId: staff.staffId });
      return reply.redirect("/console/inbox", 303);
    }),
  );
}
