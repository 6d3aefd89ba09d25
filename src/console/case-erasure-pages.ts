/**
 * Erasing a person at their request, made in person or by phone (privacy/staff-erasure.ts): the
 * case page links to `GET /console/cases/:id/erase`, a page that says what goes and that it cannot
 * be undone, with a box to tick (the person asked, and I checked who they are); its form posts to
 * `POST /console/cases/:id/erase` (CSRF, a submission id) and lands on the case list with a notice.
 * The case's counsellor and the organisation's coordinators only; another organisation's case 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DomainError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { eraseCaseClient, mayErase } from "../domain/privacy/staff-erasure.ts";
import { idOf } from "./case-actions.ts";
import { showCase } from "./case-page.ts";
import { consoleText } from "./console-context.ts";
import { csrfField } from "./csrf.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { submissionField, submissionOf } from "./form-submission.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;

/** What the confirmation page lists as deleted (console.erase_gone_<item>). */
const GONE = ["chats", "answers", "notes", "tasks", "work"] as const;

const confirmForm = z.object({ confirm: z.literal("yes") });

/** The case page's link to the confirmation, for those who may erase and while someone is linked. */
export function erasureSection(
  request: FastifyRequest,
  t: T,
  caseId: string,
  c: { counsellorId: string | null; clientLinked: boolean },
): SafeHtml | "" {
  if (!c.clientLinked || !mayErase(staffOf(request), c.counsellorId)) return "";
  return html`<h2 id="erase">${t("erase_title")}</h2>
<p class="muted">${t("erase_intro")}</p>
<p><a class="button danger" href="/console/cases/${caseId}/erase">${t("erase_open")}</a></p>`;
}

export function caseErasurePages(http: FastifyInstance): void {
  http.get("/console/cases/:id/erase", { preHandler: requireStaff }, (request, reply) =>
    guarded(request, reply, () => showConfirmation(request, reply)),
  );
  http.post("/console/cases/:id/erase", { preHandler: requireStaff }, (request, reply) =>
    guarded(request, reply, async () => {
      const submission = submissionOf(request.body);
      if (!confirmForm.safeParse(request.body ?? {}).success)
        return showConfirmation(request, reply.code(400), true);
      const { db, nudgeQueue, translator, farewell } = http.consoleContext;
      const erased = await eraseCaseClient(
        { db, queue: nudgeQueue, translator, farewell },
        staffOf(request),
        idOf(request),
        submission,
      );
      const done = erased.alreadyErased ? "client_already_erased" : "client_erased";
      return reply.redirect(`/console/cases?done=${done}`, 303);
    }),
  );
}

/** Another organisation's case: the 404 page; a refusal: the case page with the reason. */
async function guarded(request: FastifyRequest, reply: FastifyReply, run: () => Promise<FastifyReply>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
    if (!(error instanceof DomainError)) throw error;
    const status = error instanceof ForbiddenError ? 403 : 400;
    return showCase(request, reply.code(status), idOf(request), staffErrorText(request, error));
  }
}

/** The confirmation page: what goes, what stays, the last message, and that it cannot be undone. */
async function showConfirmation(request: FastifyRequest, reply: FastifyReply, unticked = false) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t: T = (key, params) => consoleText(translator, staff.locale, key, params);
  const caseId = idOf(request);
  await requireCaseInScope(db, staff, caseId);
  const c = await db.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { reference: true, counsellorId: true, clientId: true },
  });
  if (!mayErase(staff, c.counsellorId))
    throw new ForbiddenError("Only the case's counsellor or a coordinator may erase the person.", {
      code: "erase_forbidden",
    });
  if (!c.clientId) throw new DomainError("Nobody is linked to this case.", { code: "erase_nobody" });
  const reference = c.reference ?? t("case_without_reference");
  const body = html`${unticked ? html`<p class="error" role="alert">${t("erase_untick")}</p>` : ""}
<p><strong>${t("erase_only_when")}</strong></p>
<section class="card" aria-labelledby="erase-gone"><h2 id="erase-gone">${t("erase_gone_title")}</h2>
<ul>${GONE.map((item) => html`<li>${t(`erase_gone_${item}`)}</li>`)}</ul></section>
<section class="card" aria-labelledby="erase-kept"><h2 id="erase-kept">${t("erase_kept_title")}</h2>
<p>${t("erase_kept")}</p><p>${t("erase_everywhere")}</p><p>${t("erase_message")}</p></section>
<p class="error">${t("erase_final")}</p>
<form method="post" action="/console/cases/${caseId}/erase">${csrfField(request)}${submissionField()}
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${t("erase_confirm")}</label>
<p><button type="submit" class="danger">${t("erase_button")}</button>
<a class="beside-button" href="/console/cases/${caseId}">${t("erase_cancel")}</a></p></form>`;
  return renderPage(reply, staff, t("erase_page_title", { reference }), body);
}
