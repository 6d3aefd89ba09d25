/**
 * What the case page's forms share: reading a form with zod, and running an action on a case in
 * scope — another organisation's id is the 404 page, a domain refusal the case page again with the
 * reason in the staff member's language, success back to the case page's section.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { showCase } from "./case-page.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

/** The `:id` of the form's URL (a case's, an appointment's, a placement's). */
export const idOf = (request: FastifyRequest): string =>
  String((request.params as { id?: unknown }).id ?? "");

/** Back to the case page at `section`, saying what was done (`?done=<done>#<section>`). */
export function backToCase(reply: FastifyReply, caseId: string, section: string, done: string) {
  return reply.redirect(`/console/cases/${encodeURIComponent(caseId)}?done=${done}#${section}`, 303);
}

/** The case of a `/console/cases/:id/…` form, when it is in the staff member's scope (else NotFoundError). */
export async function caseOfUrl(request: FastifyRequest): Promise<string> {
  await requireCaseInScope(request.server.consoleContext.db, staffOf(request), idOf(request));
  return idOf(request);
}

/**
 * A case page form posted to `url`, for signed-in staff: `caseId` finds the case it acts on (in
 * scope), then `action` runs on it, through `attempt`.
 */
export function caseAction(
  http: FastifyInstance,
  url: string,
  caseId: (request: FastifyRequest) => Promise<string>,
  action: (request: FastifyRequest, reply: FastifyReply, caseId: string) => Promise<FastifyReply>,
): void {
  http.post(url, { preHandler: requireStaff }, (request, reply) =>
    attempt(
      request,
      reply,
      () => caseId(request),
      (id) => action(request, reply, id),
    ),
  );
}

/** The form's fields, or a DomainError (a 400 in the staff member's language) for one that is not a form. */
export function formOf<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new DomainError("The form is not complete.", { code: "invalid_input" });
  return parsed.data;
}

/** Runs `action`; a domain refusal shows the case again with the reason in the staff member's language. */
export async function attempt(
  request: FastifyRequest,
  reply: FastifyReply,
  caseId: () => Promise<string>,
  action: (caseId: string) => Promise<FastifyReply>,
) {
  let id: string;
  try {
    id = await caseId();
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
    throw error;
  }
  try {
    return await action(id);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return showCase(request, reply.code(400), id, staffErrorText(request, error));
  }
}
