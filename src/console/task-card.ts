/**
 * One task as the tasks page and the case page show it: what happened in words, when, for whom,
 * and the forms to mark it done or give it to a colleague. From the case page the forms carry the
 * case's id, so the answer comes back to it.
 */
import type { FastifyRequest } from "fastify";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import { describeTask } from "../domain/tasks/task-words.ts";
import type { CounsellorTask } from "../generated/prisma/client.ts";
import type { DbClient } from "../store/prisma.ts";
import { csrfField } from "./csrf.ts";
import { html, type SafeHtml } from "./html.ts";
import { staffOf } from "./require-staff.ts";

type T = (key: string, params?: Record<string, string | number>) => string;
export interface Colleague {
  id: string;
  name: string;
  email: string;
}

/** The active staff of the organisation, by name (whom a task can go to). */
export function colleaguesOf(db: DbClient, staff: StaffIdentity): Promise<Colleague[]> {
  return db.counsellor.findMany({
    where: { organisationId: staff.organisationId, deactivatedAt: null },
    select: { id: true, name: true, email: true },
    orderBy: { name: "asc" },
  });
}

export function taskCard(
  request: FastifyRequest,
  t: T,
  task: CounsellorTask,
  colleagues: Colleague[],
  fromCase?: string,
): SafeHtml {
  const staff = staffOf(request);
  const { translator, config } = request.server.consoleContext;
  const assignee = colleagues.find((c) => c.id === task.assigneeStaffId)?.name;
  const id = `task-${task.id}`;
  const back = fromCase ? html`<input type="hidden" name="case" value="${fromCase}">` : "";
  return html`<li class="card" aria-labelledby="${id}-title">
${fromCase ? html`<h3 id="${id}-title">${describeTask(task, translator, staff.locale)}</h3>` : html`<h2 id="${id}-title">${describeTask(task, translator, staff.locale)}</h2>`}
<dl class="fields">
  <dt>${t("created")}</dt><dd>${translator.formatDateTime(task.createdAt, staff.locale, config.TZ_DEFAULT)}</dd>
  <dt>${t("assignee")}</dt><dd>${task.assigneeStaffId ? (assignee ?? "—") : t("whole_team")}</dd>
  ${task.caseId && !fromCase ? html`<dt>${t("case_summary")}</dt><dd><a href="/console/cases/${task.caseId}">${t("open_case")}</a>${task.kind === "handover" ? html` · <a href="/console/cases/${task.caseId}/conversation">${t("open_conversation")}</a>` : ""}</dd>` : ""}
</dl>
<div class="actions">
<form method="post" action="/console/tasks/${task.id}/done">${csrfField(request)}${back}<button type="submit">${t("mark_done")}</button></form>
<form method="post" action="/console/tasks/${task.id}/reassign">${csrfField(request)}${back}
<label for="${id}-to">${t("reassign_to")}</label>
<select id="${id}-to" name="staffEmail" required><option value="">${t("choose")}</option>${colleagues.map((c) => html`<option value="${c.email}">${c.name}</option>`)}</select>
<button type="submit" class="secondary">${t("reassign")}</button></form>
</div>
</li>`;
}
