/**
 * What the case page's forms share: reading a form with zod, and running an action on a case in
 * scope — another organisation's id is the 404 page, a domain refusal the case page again with the
 * reason in the staff member's language.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { showCase } from "./case-page.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { notFoundPage } from "./not-found-page.ts";
import { staffOf } from "./require-staff.ts";

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
