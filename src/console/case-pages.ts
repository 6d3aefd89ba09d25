/** The case pages: the list (`/console/cases`), one case (`/console/cases/:id`) and its notes. */
import type { FastifyInstance } from "fastify";
import { addCaseNote } from "../domain/cases/case-notes.ts";
import { openCaseAsStaff } from "../domain/cases/staff-cases.ts";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { showCaseList } from "./case-list-page.ts";
import { showCase } from "./case-page.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";

export function casePages(http: FastifyInstance): void {
  http.get("/console/cases", { preHandler: requireStaff }, showCaseList);
  http.post("/console/cases", { preHandler: requireStaff }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
    try {
      const id = await openCaseAsStaff(http.consoleContext.db, staffOf(request), {
        programme: text("programme"),
        reference: text("reference"),
      });
      return reply.redirect(`/console/cases/${encodeURIComponent(id)}`, 303);
    } catch (error) {
      if (error instanceof DomainError)
        return showCaseList(request, reply.code(400), staffErrorText(request, error));
      throw error;
    }
  });
  http.get("/console/cases/:id", { preHandler: requireStaff }, async (request, reply) => {
    try {
      return await showCase(request, reply, String((request.params as { id: string }).id));
    } catch (error) {
      if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
      throw error;
    }
  });
  http.post("/console/cases/:id/notes", { preHandler: requireStaff }, async (request, reply) => {
    const caseId = String((request.params as { id: string }).id);
    const text = (request.body as { text?: unknown } | undefined)?.text;
    try {
      await addCaseNote(
        http.consoleContext.db,
        staffOf(request),
        caseId,
        typeof text === "string" ? text : "",
      );
    } catch (error) {
      if (error instanceof NotFoundError) return notFoundPage(reply, staffOf(request));
      if (error instanceof DomainError)
        return showCase(request, reply.code(400), caseId, staffErrorText(request, error));
      throw error;
    }
    return reply.redirect(`/console/cases/${encodeURIComponent(caseId)}#note`, 303);
  });
}
