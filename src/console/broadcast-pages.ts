/**
 * The console's broadcasts: `GET /console/broadcasts` (the organisation's, newest first),
 * `GET /console/broadcasts/new` (the segment builder and composer; `POST …/preview` re-renders
 * the composer on every change), `POST /console/broadcasts` (creates it, for now or a local time,
 * refused with the domain's reason while a language has neither a text nor a fallback; once per
 * rendered form — the same form posted again redirects to the broadcast the first post made),
 * `GET /console/broadcasts/:id` (the report, live by server-sent events from `…/events`) and
 * `POST …/:id/cancel`. Counsellors and coordinators; a steward gets 403. The same domain
 * functions as /api/v1/broadcasts and the CLI.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { broadcastDeps } from "../api/broadcast-api.ts";
import { broadcastReport } from "../domain/broadcasts/broadcast-report.ts";
import { broadcastInScope, broadcastSender } from "../domain/broadcasts/broadcast-staff.ts";
import {
  cancelBroadcast,
  createBroadcastOnce,
  listBroadcasts,
  previewBroadcast,
} from "../domain/broadcasts/broadcasts.ts";
import { segmentSchema } from "../domain/broadcasts/segment.ts";
import { segmentOptions } from "../domain/broadcasts/segment-options.ts";
import { DomainError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { loggableError } from "../logger.ts";
import { type ComposerState, composerHtml } from "./broadcast-composer.ts";
import { type BroadcastForm, broadcastInputOf, parseBroadcastForm } from "./broadcast-form.ts";
import { followReport } from "./broadcast-live.ts";
import { broadcastStatus, reportHtml } from "./broadcast-report-view.ts";
import { segmentFields, whenFields } from "./broadcast-segment-fields.ts";
import { programmeNames, segmentWords } from "./broadcast-segment-words.ts";
import { type BroadcastView, broadcastView } from "./broadcast-view.ts";
import { csrfField } from "./csrf.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { openEventStream } from "./event-stream.ts";
import { submissionField, submissionOf } from "./form-submission.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Another organisation's broadcast is the 404 page; a steward gets the 403 page. */
function guarded(handler: Handler): Handler {
  return async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
      if (!(error instanceof ForbiddenError)) throw error;
      const view = broadcastView(request);
      return renderPage(
        reply.code(403),
        view.staff,
        view.t("title"),
        html`<p class="error" role="alert">${view.t("not_for_stewards")}</p>`,
      );
    }
  };
}

function idOf(request: FastifyRequest): string {
  const id = String((request.params as { id?: unknown }).id ?? "");
  if (!id || id.length > 100) throw new NotFoundError("No such broadcast.");
  return id;
}

/** The domain's preview of the form, or its reason for having none. */
async function composerState(request: FastifyRequest, form: BroadcastForm): Promise<ComposerState> {
  const view = broadcastView(request);
  const sender = await broadcastSender(request.server.consoleContext.db, view.staff);
  // "At a time" with no time yet: the preview is for now, with a word to choose the time.
  const notice = form.when === "at" && !form.at ? view.t("choose_a_time") : undefined;
  try {
    const preview = await previewBroadcast(broadcastDeps(request), broadcastInputOf(form, sender, "preview"));
    return notice ? { preview, notice } : { preview };
  } catch (error) {
    if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
    return { error: staffErrorText(request, error) };
  }
}

async function showBuilder(
  request: FastifyRequest,
  reply: FastifyReply,
  form: BroadcastForm,
  error?: string,
) {
  const view = broadcastView(request);
  const [options, state] = await Promise.all([
    segmentOptions(request.server.consoleContext.db, view.staff.organisationId),
    composerState(request, form),
  ]);
  return renderPage(
    reply,
    view.staff,
    view.t("new_title"),
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}<p class="muted">${view.t("new_intro")}</p>
<form method="post" action="/console/broadcasts" class="broadcast-form">${csrfField(request)}${submissionField()}
${segmentFields(view, options, form)}
${whenFields(view, form)}
<div id="composer" aria-live="polite">${composerHtml(view, form, state)}</div>
</form>`,
  );
}

async function showList(request: FastifyRequest, reply: FastifyReply) {
  const view = broadcastView(request);
  const { t } = view;
  const sender = await broadcastSender(request.server.consoleContext.db, view.staff);
  const { db } = request.server.consoleContext;
  const [broadcasts, programmes] = await Promise.all([
    listBroadcasts(db, sender.organisationSlug, 50),
    programmeNames(db, view.staff.organisationId),
  ]);
  const rows = broadcasts.map(
    (b) => html`<tr><th scope="row"><a href="/console/broadcasts/${b.id}">${view.when(b.createdAt)}</a></th>
<td data-label="${t("kind")}">${t(`kind_${b.kind}`)}</td><td data-label="${t("segment")}">${segmentWords(view, segmentSchema.parse(b.segment), programmes)}</td><td data-label="${t("state")}">${broadcastStatus(view, { broadcast: b })}</td></tr>`,
  );
  return renderPage(
    reply,
    view.staff,
    t("title"),
    html`<p><a class="button" href="/console/broadcasts/new">${t("new_broadcast")}</a></p>
${rows.length ? html`<table class="stack"><thead><tr><th scope="col">${t("created")}</th><th scope="col">${t("kind")}</th><th scope="col">${t("segment")}</th><th scope="col">${t("state")}</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>${t("none")}</p>`}`,
  );
}

function cancelForm(request: FastifyRequest, view: BroadcastView, id: string) {
  return html`<form method="post" action="/console/broadcasts/${id}/cancel" class="inline">${csrfField(request)}<p><button type="submit" class="secondary">${view.t("cancel")}</button> <span class="muted">${view.t("cancel_hint")}</span></p></form>`;
}

async function showReport(request: FastifyRequest, reply: FastifyReply, view: BroadcastView, id: string) {
  const { db } = request.server.consoleContext;
  const sender = await broadcastInScope(db, view.staff, id);
  const report = await broadcastReport(db, { broadcastId: id, organisationSlug: sender.organisationSlug });
  const [row, programmes] = await Promise.all([
    db.broadcast.findUniqueOrThrow({ where: { id }, select: { segment: true } }),
    programmeNames(db, view.staff.organisationId),
  ]);
  const segment = segmentWords(view, segmentSchema.parse(row.segment), programmes);
  // Every report has the same heading: the tab says which broadcast (when it was made).
  const title = { heading: view.t("report_title"), tab: view.when(report.broadcast.createdAt) };
  return renderPage(
    reply,
    view.staff,
    title,
    html`<p class="muted">${view.ct("label_colon", { label: view.t("segment") })} ${segment} · ${view.t(`kind_${report.broadcast.kind}`)}</p>
<div hx-ext="sse" sse-connect="/console/broadcasts/${id}/events"><div id="report" sse-swap="report" aria-live="polite">${reportHtml(view, report, cancelForm(request, view, id))}</div></div>
<p><a href="/console/broadcasts">${view.t("all_broadcasts")}</a></p>`,
  );
}

export function broadcastPages(http: FastifyInstance): void {
  const get = (url: string, handler: Handler) =>
    http.get(url, { preHandler: requireStaff }, guarded(handler));
  const post = (url: string, handler: Handler) =>
    http.post(url, { preHandler: requireStaff }, guarded(handler));
  get("/console/broadcasts", showList);
  get("/console/broadcasts/new", (request, reply) => showBuilder(request, reply, parseBroadcastForm({})));
  post("/console/broadcasts/preview", async (request, reply) => {
    const form = parseBroadcastForm(request.body);
    const html = composerHtml(broadcastView(request), form, await composerState(request, form));
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(String(html));
  });
  post("/console/broadcasts", async (request, reply) => {
    const form = parseBroadcastForm(request.body);
    const view = broadcastView(request);
    const sender = await broadcastSender(request.server.consoleContext.db, view.staff);
    if (form.when === "at" && !form.at)
      return showBuilder(request, reply.code(400), form, view.t("choose_a_time"));
    try {
      const { broadcast } = await createBroadcastOnce(
        broadcastDeps(request),
        broadcastInputOf(form, sender, "create"),
        `staff:${view.staff.staffId}:${submissionOf(request.body)}`,
      );
      return reply.redirect(`/console/broadcasts/${broadcast.id}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      return showBuilder(request, reply.code(400), form, staffErrorText(request, error));
    }
  });
  get("/console/broadcasts/:id", (request, reply) =>
    showReport(request, reply, broadcastView(request), idOf(request)),
  );
  get("/console/broadcasts/:id/events", async (request, reply) => {
    const view = broadcastView(request);
    const id = idOf(request);
    const { db } = request.server.consoleContext;
    const sender = await broadcastInScope(db, view.staff, id);
    const stream = openEventStream(request, reply);
    followReport(stream, async () =>
      reportHtml(
        view,
        await broadcastReport(db, { broadcastId: id, organisationSlug: sender.organisationSlug }),
        cancelForm(request, view, id),
      ),
    ).catch((error: Error) =>
      request.server.consoleContext.logger.warn(
        { err: loggableError(error), broadcastId: id },
        "live report stopped",
      ),
    );
  });
  post("/console/broadcasts/:id/cancel", async (request, reply) => {
    const id = idOf(request);
    const { db } = request.server.consoleContext;
    const sender = await broadcastInScope(db, staffOf(request), id);
    try {
      await cancelBroadcast(db, { broadcastId: id, organisationSlug: sender.organisationSlug });
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      // Already cancelled: the report says so.
    }
    return reply.redirect(`/console/broadcasts/${id}`, 303);
  });
}
