/**
 * `tasks list | task done`: what the bot asks counsellors to look at — a client's answer to an
 * appointment, a check-in escalated (a bad answer, or two unanswered). A task holds codes and ids
 * only; the counsellor opens the case for the rest.
 */
import { DomainError } from "../domain/errors.ts";
import { findOrganisation } from "../domain/organisations/organisations.ts";
import type { CounsellorTask } from "../generated/prisma/client.ts";
import type { CliCommand } from "./commands.ts";
import { dash, flag, need } from "./option-values.ts";
import { formatDateTime, formatFields, formatTable } from "./text-output.ts";

const listCommand: CliCommand = {
  words: ["tasks", "list"],
  summary: "List an organisation's open tasks (answers, escalations), oldest first.",
  options: [
    {
      name: "org",
      type: "string",
      value: "<slug>",
      required: true,
      description: "the organisation's slug",
    },
    { name: "all", type: "boolean", description: "done tasks too" },
  ],
  async run(values, { db, config }) {
    const organisation = await findOrganisation(db, need(values, "org").trim().toLowerCase());
    const all = flag(values, "all");
    const tasks = await db.counsellorTask.findMany({
      where: { organisationId: organisation.id, ...(all ? {} : { status: "open" }) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const headers = ["TASK", "TIME", "KIND", "CASE", ...(all ? ["STATUS"] : []), "DATA"];
    const rows = tasks.map((t) => [
      t.id,
      formatDateTime(t.createdAt, config.TZ_DEFAULT),
      t.kind,
      dash(t.caseId),
      ...(all ? [t.status] : []),
      dataText(t.data),
    ]);
    return {
      json: tasks.map(taskJson),
      text: tasks.length === 0 ? (all ? "No tasks." : "No open tasks.") : formatTable(headers, rows),
    };
  },
};

const doneCommand: CliCommand = {
  words: ["task", "done"],
  summary: "Mark a task as done.",
  argument: { name: "task-id", value: "<task id>", description: "the task's id (see tasks list)" },
  options: [],
  async run(values, { db, config }) {
    const id = need(values, "task-id");
    const doneAt = new Date();
    const { count } = await db.counsellorTask.updateMany({
      where: { id, status: "open" },
      data: { status: "done", doneAt },
    });
    const task = await db.counsellorTask.findUnique({ where: { id } });
    if (!task) throw new DomainError(`No task with id ${id}.`);
    if (count === 0) throw new DomainError(`Task ${id} is already done.`);
    return {
      json: taskJson(task),
      text: formatFields("Task done", [
        ["Id", task.id],
        ["Kind", task.kind],
        ["Case", task.caseId],
        ["Done at", formatDateTime(task.doneAt ?? doneAt, config.TZ_DEFAULT)],
      ]),
    };
  },
};

export const taskCommands: readonly CliCommand[] = [listCommand, doneCommand];

/** The task's codes as `key=value` pairs in key order, without characters that could drive the terminal. */
function dataText(data: CounsellorTask["data"]): string {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return dash(null);
  const pairs = Object.entries(data)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return pairs.length ? pairs.join(" ").replace(/\p{Cc}/gu, " ") : "-";
}

function taskJson(t: CounsellorTask) {
  return {
    id: t.id,
    kind: t.kind,
    caseId: t.caseId,
    organisationId: t.organisationId,
    data: t.data,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
    doneAt: t.doneAt?.toISOString() ?? null,
  };
}
