/**
 * Tasks as JSON: `GET /tasks` (what needs a person, in words, oldest first), marking one done,
 * and giving one to a colleague of the same organisation.
 */
import { z } from "zod";
import { NotFoundError } from "../domain/errors.ts";
import { emailField } from "../domain/organisations/fields.ts";
import { describeTask, taskScopeFor } from "../domain/tasks/task-words.ts";
import { completeTask, listTasks, reassignTask, TaskNotFound } from "../domain/tasks/tasks.ts";
import type { CounsellorTask } from "../generated/prisma/client.ts";
import type { Translator } from "../i18n/translator.ts";
import type { ApiModule } from "./api-route.ts";
import { idParams } from "./case-api.ts";

const taskItem = z.object({
  id: z.string(),
  kind: z.string(),
  caseId: z.string().nullable(),
  description: z.string(),
  status: z.enum(["open", "done"]),
  assigneeStaffId: z.string().nullable(),
  createdAt: z.string(),
  doneAt: z.string().nullable(),
});

function taskJson(task: CounsellorTask, translator: Translator, locale: string) {
  return {
    id: task.id,
    kind: task.kind,
    caseId: task.caseId,
    description: describeTask(task, translator, locale),
    status: task.status,
    assigneeStaffId: task.assigneeStaffId,
    createdAt: task.createdAt.toISOString(),
    doneAt: task.doneAt?.toISOString() ?? null,
  };
}

/** A task of another organisation is 404, like one that does not exist. */
async function inScope<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TaskNotFound) throw new NotFoundError(error.message);
    throw error;
  }
}

export const taskApi: ApiModule = (router) => {
  router.route({
    method: "GET",
    url: "/tasks",
    summary:
      "What needs a person (handovers, appointment answers, check-in escalations, job interest), oldest first.",
    tags: ["tasks"],
    query: z.object({
      all: z.enum(["true", "false"]).optional(),
      mine: z.enum(["true", "false"]).optional(),
    }),
    response: z.object({ tasks: z.array(taskItem) }),
    async handler({ staff, query, request }) {
      const { db, translator } = request.server.consoleContext;
      const tasks = await listTasks(db, await taskScopeFor(db, staff), {
        all: query.all === "true",
        ...(query.mine === "true" ? { assigneeStaffId: staff.staffId } : {}),
      });
      return { tasks: tasks.map((t) => taskJson(t, translator, staff.locale)) };
    },
  });

  router.route({
    method: "POST",
    url: "/tasks/:id/done",
    summary: "Marks a task done.",
    tags: ["tasks"],
    params: idParams,
    response: taskItem,
    async handler({ staff, params, request }) {
      const { db, translator } = request.server.consoleContext;
      const scope = await taskScopeFor(db, staff);
      const task = await inScope(() => completeTask(db, scope, { id: params.id, staffId: staff.staffId }));
      return taskJson(task, translator, staff.locale);
    },
  });

  router.route({
    method: "POST",
    url: "/tasks/:id/reassign",
    summary: "Gives a task to another staff member of my organisation.",
    tags: ["tasks"],
    params: idParams,
    body: z.object({ staffEmail: emailField }).strict(),
    response: taskItem,
    async handler({ staff, params, body, request }) {
      const { db, translator } = request.server.consoleContext;
      const scope = await taskScopeFor(db, staff);
      const colleague = await db.counsellor.findFirst({
        where: { email: body.staffEmail, organisationId: staff.organisationId, deactivatedAt: null },
        select: { id: true },
      });
      const task = await inScope(() =>
        reassignTask(db, scope, {
          id: params.id,
          assigneeStaffId: colleague?.id ?? "",
          isStaffOfOrganisation: async () => colleague !== null,
        }),
      );
      return taskJson(task, translator, staff.locale);
    },
  });
};
