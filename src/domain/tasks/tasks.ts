/**
 * Tasks: one list of what needs a person — a client waiting in a handover, an answer to an
 * appointment, a check-in escalated, interest in a job, a handover flagged as unanswered. A task
 * holds codes and ids only (no client words); `describeTask` says what happened in the staff
 * member's language. A task is for the case's counsellor until someone reassigns it.
 */
import type { CounsellorTask, Prisma } from "../../generated/prisma/client.ts";
import type { DbClient } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { publishCardTask } from "./card-task-events.ts";

/** The kinds of task the bot raises (CounsellorTask.kind). */
export const TASK_KINDS = [
  "handover",
  "handover.unanswered",
  "appointment.response",
  "checkin.escalation",
  "job.interest",
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** The kinds that also reach their assignee outside the console: a Teams card (staff/teams-cards.ts). */
export const CARD_TASK_KINDS: ReadonlySet<TaskKind> = new Set([
  "handover",
  "checkin.escalation",
  "job.interest",
]);

/** What raising a task needs: the case it is about (if any), its organisation, codes. */
export interface NewTask {
  kind: TaskKind;
  caseId: string | null;
  organisationId: string | null;
  data: Record<string, string | number | boolean | null>;
  /** Whom it is for; default: the case's counsellor (a lead's tasks are for the whole organisation). */
  assigneeStaffId?: string | null;
}

/**
 * Raises a task in the caller's transaction. One whose kind calls for a Teams card is marked
 * `cardPending` and the card workers are told when it commits (card-task-events.ts).
 */
export async function createTask(tx: DbClient, task: NewTask): Promise<CounsellorTask> {
  const assignee =
    task.assigneeStaffId !== undefined
      ? task.assigneeStaffId
      : task.caseId
        ? ((await tx.case.findUnique({ where: { id: task.caseId }, select: { counsellorId: true } }))
            ?.counsellorId ?? null)
        : null;
  const created = await tx.counsellorTask.create({
    data: {
      kind: task.kind,
      caseId: task.caseId,
      organisationId: task.organisationId,
      data: task.data,
      assigneeStaffId: assignee,
      cardPending: assignee !== null && CARD_TASK_KINDS.has(task.kind),
    },
  });
  if (created.cardPending) await publishCardTask(tx);
  return created;
}

/** Which tasks a staff member may see: their organisation's, a steward only their own clients'. */
export interface TaskScope {
  organisationId: string;
  /** Set for a steward: only the cases they may see. */
  caseIds?: readonly string[];
}

function scopeWhere(scope: TaskScope): Prisma.CounsellorTaskWhereInput {
  return {
    organisationId: scope.organisationId,
    ...(scope.caseIds ? { caseId: { in: [...scope.caseIds] } } : {}),
  };
}

/** The tasks in scope, oldest first; open ones only unless `all`. */
export function listTasks(
  db: DbClient,
  scope: TaskScope,
  options: { all?: boolean; assigneeStaffId?: string } = {},
): Promise<CounsellorTask[]> {
  return db.counsellorTask.findMany({
    where: {
      ...scopeWhere(scope),
      ...(options.all ? {} : { status: "open" }),
      ...(options.assigneeStaffId ? { assigneeStaffId: options.assigneeStaffId } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

/** A task in scope, or a DomainError that says it is not there (another organisation's looks absent). */
export async function findTask(db: DbClient, scope: TaskScope, id: string): Promise<CounsellorTask> {
  const task = await db.counsellorTask.findFirst({ where: { id, ...scopeWhere(scope) } });
  if (!task) throw new TaskNotFound(id);
  return task;
}

/** No such task in the caller's scope. */
export class TaskNotFound extends DomainError {
  constructor(id: string) {
    super(`No task with id ${id}.`);
  }
}

/** Marks a task done (by a staff member, or by the bot when its cause went away). Idempotent. */
export async function completeTask(
  db: DbClient,
  scope: TaskScope,
  input: { id: string; staffId: string | null; now?: Date },
): Promise<CounsellorTask> {
  const task = await findTask(db, scope, input.id);
  if (task.status === "done") return task;
  return db.counsellorTask.update({
    where: { id: task.id },
    data: { status: "done", doneAt: input.now ?? new Date(), doneByStaffId: input.staffId },
  });
}

/** Gives a task to another staff member of the same organisation (checked by the caller's `isStaff`). */
export async function reassignTask(
  db: DbClient,
  scope: TaskScope,
  input: {
    id: string;
    assigneeStaffId: string;
    isStaffOfOrganisation: (staffId: string) => Promise<boolean>;
  },
): Promise<CounsellorTask> {
  const task = await findTask(db, scope, input.id);
  if (!(await input.isStaffOfOrganisation(input.assigneeStaffId)))
    throw new DomainError("That staff member is not in your organisation.", {
      code: "staff_not_in_organisation",
    });
  return db.counsellorTask.update({
    where: { id: task.id },
    data: { assigneeStaffId: input.assigneeStaffId },
  });
}

/** Closes the open tasks of one kind that point at `subjectKey`=`subjectId` (a handover handed back). */
export async function closeTasksAbout(
  tx: DbClient,
  input: { kind: TaskKind; subjectKey: string; subjectId: string; now: Date; staffId: string | null },
): Promise<number> {
  const { count } = await tx.counsellorTask.updateMany({
    where: {
      kind: input.kind,
      status: "open",
      data: { path: [input.subjectKey], equals: input.subjectId },
    },
    data: { status: "done", doneAt: input.now, doneByStaffId: input.staffId },
  });
  return count;
}
