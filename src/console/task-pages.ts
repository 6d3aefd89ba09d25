/**
 * `GET /console/tasks`: one list of what needs a person — clients waiting in the inbox, answers to
 * appointments, check-ins that need a follow-up, interest in a job — oldest first, each with its
 * case and what happened in words, and the buttons to mark it done or give it to a colleague.
 * The same domain functions as /api/v1/tasks.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DomainError, NotFoundError } from "../domain/errors.ts";
import { taskScopeFor } from "../domain/tasks/task-words.ts";
import { completeTask, listTasks, reassignTask, TaskNotFound } from "../domain/tasks/tasks.ts";
import { consoleText } from "./console-context.ts";
import { staffErrorText } from "./domain-error-text.ts";
import { html } from "./html.ts";
import { renderPage } from "./layout.ts";
import { notFoundPage } from "./not-found-page.ts";
import { requireStaff, staffOf } from "./require-staff.ts";
import { colleaguesOf, taskCard } from "./task-card.ts";

const reassignForm = z.object({ staffEmail: z.string().max(320) });

async function showTasks(request: FastifyRequest, reply: FastifyReply, notice?: string) {
  const staff = staffOf(request);
  const { db, translator } = request.server.consoleContext;
  const t = (key: string, params?: Record<string, string | number>) =>
    consoleText(translator, staff.locale, key, params);
  const [tasks, colleagues] = await Promise.all([
    listTasks(db, await taskScopeFor(db, staff)),
    colleaguesOf(db, staff),
  ]);
  const cards = tasks.map((task) => taskCard(request, t, task, colleagues));
  return renderPage(
    reply,
    staff,
    t("tasks_title"),
    html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
<p class="muted">${t("tasks_intro")}</p>
${tasks.length ? html`<ul class="tasks">${cards}</ul>` : html`<p>${t("tasks_none")}</p>`}`,
  );
}

function taskIdOf(request: FastifyRequest): string {
  const id = String((request.params as { id?: unknown }).id ?? "");
  if (!id || id.length > 100) throw new TaskNotFound(id);
  return id;
}

/** The case page a task form came from (`case=<id>`), to go back to; only a path of ours. */
function backTo(request: FastifyRequest): string | undefined {
  const caseId = (request.body as { case?: unknown } | undefined)?.case;
  return typeof caseId === "string" && /^[a-z0-9]{1,100}$/.test(caseId)
    ? `/console/cases/${caseId}#tasks`
    : undefined;
}

export function taskPages(http: FastifyInstance): void {
  http.get("/console/tasks", { preHandler: requireStaff }, async (request, reply) =>
    showTasks(request, reply),
  );

  http.post("/console/tasks/:id/done", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db } = http.consoleContext;
    try {
      await completeTask(db, await taskScopeFor(db, staff), {
        id: taskIdOf(request),
        staffId: staff.staffId,
      });
    } catch (error) {
      if (error instanceof TaskNotFound || error instanceof NotFoundError) return notFoundPage(reply, staff);
      throw error;
    }
    return reply.redirect(backTo(request) ?? "/console/tasks", 303);
  });

  http.post("/console/tasks/:id/reassign", { preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const { db, translator } = http.consoleContext;
    const form = reassignForm.safeParse(request.body ?? {});
    try {
      const id = taskIdOf(request);
      const colleague = form.success
        ? await db.counsellor.findFirst({
            where: { email: form.data.staffEmail, organisationId: staff.organisationId, deactivatedAt: null },
            select: { id: true },
          })
        : null;
      await reassignTask(db, await taskScopeFor(db, staff), {
        id,
        assigneeStaffId: colleague?.id ?? "",
        isStaffOfOrganisation: async () => colleague !== null,
      });
    } catch (error) {
      if (error instanceof TaskNotFound || error instanceof NotFoundError) return notFoundPage(reply, staff);
      if (error instanceof DomainError)
        return showTasks(request, reply.code(400), staffErrorText(request, error));
      throw error;
    }
    const back = backTo(request);
    if (back) return reply.redirect(`${back.replace("#tasks", "")}?done=task_reassigned#tasks`, 303);
    return showTasks(request, reply, consoleText(translator, staff.locale, "task_reassigned"));
  });
}
