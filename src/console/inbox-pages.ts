/**
 * The inbox in the console: `GET /console/inbox` (clients waiting for a person, the longest
 * waiting first; new ones appear by server-sent events, no reload), the conversation view and its
 * live transcript, sending a reply (`POST /console/cases/:id/messages`), the quick-reply preview
 * in the client's language, and handing back to the bot. A reply is sent once per rendered form
 * (form-submission.ts): the same form posted again redirects as the first post did. The same
 * domain functions as /api/v1/handovers and /api/v1/cases/{id}/messages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { replyDeps, staffMessageBody } from "../api/inbox-api.ts";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { deliveryFingerprint } from "../domain/handovers/delivery-watch.ts";
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
import { loggableError } from "../logger.ts";
import { consoleText } from "./console-context.ts";
import { languageName, showConversation, type T, transcriptHtml } from "./conversation-page.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { openEventStream } from "./event-stream.ts";
import { submissionOf } from "./form-submission.ts";
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
function inboxList(
  request: FastifyRequest,
  staff: StaffIdentity,
  items: InboxItem[],
  flaggedOnly = false,
): SafeHtml {
  const t = textOf(request, staff);
  const { translator, config } = request.server.consoleContext;
  if (!items.length) return html`<p>${t(flaggedOnly ? "inbox_none_flagged" : "inbox_none")}</p>`;
  return html`<ul class="inbox">${items.map(
    (item) => html`<li class="card${item.flaggedAt ? " flagged" : ""}">
<h2>${item.caseId ? html`<a href="/console/cases/${item.caseId}/conversation">${item.clientName ?? item.caseReference ?? t("client_without_name")}</a>` : (item.clientName ?? t("client_without_name"))}</h2>
<p>${reasonWords(request, staff, item.reason)}</p>
<dl class="fields">
  <dt>${t("language")}</dt><dd>${languageName(request, staff, item.clientLocale)}</dd>
  <dt>${t("last_channel")}</dt><dd>${t(`channel_${item.channel}`)}</dd>
  <dt>${t("waiting_since")}</dt><dd>${translator.formatDateTime(item.createdAt, staff.locale, config.TZ_DEFAULT)}</dd>
  <dt>${t("status")}</dt><dd>${item.flaggedAt ? html`<strong>${t("flagged")}</strong>` : item.answeredAt ? t("answered") : t("not_answered")}</dd>
</dl>
</li>`,
  )}</ul>`;
}

/**
 * Opens a stream that sends `render()` as event `event` on every inbox change of the organisation
 * and (with `conversationIds`) every delivery status change in those conversations, looked at
 * every DELIVERY_CHECK_MS. Changes that come in a burst are drawn once. The first event is the
 * current render, sent as soon as the stream listens: a view that (re)connects is brought up to
 * date with whatever changed while it was away (htmx swaps the same fragment into the same
 * element, so on a fresh page it changes nothing). A stream that can no longer follow (no LISTEN,
 * the LISTEN lost, a failed render) is closed: htmx opens it again.
 */
async function liveStream(
  http: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  event: string,
  render: () => Promise<SafeHtml>,
  conversationIds: readonly string[] = [],
) {
  const staff = staffOf(request);
  const stream = openEventStream(request, reply);
  const stop = (message: string) => (error: Error) => {
    http.consoleContext.logger.warn({ err: loggableError(error) }, message);
    stream.close();
  };
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  let sent = 0;
  const draw = () => {
    timer = undefined;
    const mine = ++started;
    render().then((fragment) => {
      if (mine < sent) return; // a later render is already out: never draw an older state over it
      sent = mine;
      stream.send(event, fragment);
    }, stop("live view failed"));
  };
  const changed = () => {
    timer ??= setTimeout(draw, 250);
  };
  const lost = () => stream.close();
  const unsubscribe = await inboxHub(http)
    .subscribe(staff.organisationId, { change: changed, lost })
    .catch(stop("live view could not listen"));
  if (!unsubscribe) return;
  const watch = conversationIds.length ? watchDelivery(http, conversationIds, changed) : undefined;
  draw(); // listening already: whatever changes after this render is drawn again
  const end = () => {
    clearTimeout(timer);
    if (watch) clearInterval(watch);
    unsubscribe();
  };
  stream.closed.then(end, end);
}

/** `?flagged=1`: only the handovers flagged as unanswered after the working hours. */
const flaggedOf = (request: FastifyRequest) => (request.query as { flagged?: unknown }).flagged === "1";

/** How often an open conversation view looks at its messages' delivery status. */
const DELIVERY_CHECK_MS = 1000;

/** Calls `changed` whenever the delivery fingerprint of the conversations changes. */
function watchDelivery(http: FastifyInstance, conversationIds: readonly string[], changed: () => void) {
  let last: string | undefined;
  let busy = false;
  const look = () => {
    if (busy) return;
    busy = true;
    deliveryFingerprint(http.consoleContext.db, conversationIds)
      .then((now) => {
        if (last !== undefined && now !== last) changed();
        last = now;
      })
      .catch((error: Error) =>
        http.consoleContext.logger.warn({ err: loggableError(error) }, "delivery watch failed"),
      )
      .finally(() => {
        busy = false;
      });
  };
  look(); // the state the stream's first event draws
  return setInterval(look, DELIVERY_CHECK_MS);
}

export function inboxPages(http: FastifyInstance): void {
  inboxHub(http); // registers its close hook now, before the app listens
  http.get("/console/inbox", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const t = textOf(request, staff);
    const flaggedOnly = flaggedOf(request);
    const { db } = http.consoleContext;
    const items = await listOpenHandovers(db, staff, { flaggedOnly });
    const flagged = flaggedOnly
      ? items.length
      : (await listOpenHandovers(db, staff, { flaggedOnly: true })).length;
    const events = `/console/inbox/events${flaggedOnly ? "?flagged=1" : ""}`;
    return renderPage(
      reply,
      staff,
      t(flaggedOnly ? "inbox_flagged_title" : "inbox_title"),
      html`<nav class="filters-nav" aria-label="${t("inbox_views")}"><ul>
<li><a href="/console/inbox" ${flaggedOnly ? "" : html`aria-current="page"`}>${t("inbox_all")}</a></li>
<li><a href="/console/inbox?flagged=1" ${flaggedOnly ? html`aria-current="page"` : ""}>${t("inbox_flagged", { count: flagged })}</a></li>
</ul></nav>
<p class="muted">${t(flaggedOnly ? "inbox_flagged_intro" : "inbox_intro")}</p>
<div hx-ext="sse" sse-connect="${events}"><div id="inbox-list" sse-swap="inbox" aria-live="polite">${inboxList(request, staff, items, flaggedOnly)}</div></div>`,
    );
  });

  http.get("/console/inbox/events", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const flaggedOnly = flaggedOf(request);
    await liveStream(http, request, reply, "inbox", async () =>
      inboxList(
        request,
        staff,
        await listOpenHandovers(http.consoleContext.db, staff, { flaggedOnly }),
        flaggedOnly,
      ),
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
      const { db } = http.consoleContext;
      await requireCaseInScope(db, staff, id);
      const conversations = await db.conversation.findMany({
        where: { client: { cases: { some: { id } } } },
        select: { id: true },
      });
      await liveStream(
        http,
        request,
        reply,
        "transcript",
        async () => transcriptHtml(request, staff, textOf(request, staff), await caseTranscript(db, id)),
        conversations.map((c) => c.id),
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
        String(html`<p class="muted">${t("preview_in", { language: languageName(request, staff, locale) })}${
          missing.length
            ? html` — ${t("label_colon", { label: t("fill_in") })} ${translator.formatList(
                missing.map((m) => t(m)),
                staff.locale,
              )}`
            : ""
        }</p>
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
          idempotencyKey: `staff:${id}:${submissionOf(request.body)}`,
        });
        return reply.redirect(
          `/console/cases/${id}/conversation?sent=1${sent.notInClientLanguage ? "&foreign=1" : ""}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.name === "NotFoundError") throw error;
        return showConversation(request, reply.code(400), id, { error: staffErrorText(request, error) });
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
