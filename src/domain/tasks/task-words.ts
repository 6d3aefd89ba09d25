/**
 * What a task says to a person, in their language (nl, fr, en: `counsellor.task_*` keys): the
 * codes a task holds, turned into words. Unknown kinds and codes still say something.
 */
import type { CounsellorTask } from "../../generated/prisma/client.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { DbClient } from "../../store/prisma.ts";
import { handoverReasonKey } from "../handovers/handover-reasons.ts";
import { caseScope, type StaffIdentity } from "../staff/staff-identity.ts";
import type { TaskScope } from "./tasks.ts";

const APPOINTMENT_ANSWERS = new Set(["coming", "cannot_come", "reschedule"]);
const CHECKIN_REASONS = new Set([
  "unanswered_twice",
  "low_mood",
  "stopped_working",
  "wants_help",
  "not_paid_on_time",
  "problems",
]);

/** The task in words: "Asked to talk to a person: wrote that they want their counsellor". */
export function describeTask(
  task: Pick<CounsellorTask, "kind" | "data">,
  translator: Translator,
  locale: string,
): string {
  const data = (task.data ?? {}) as Record<string, unknown>;
  const t = (key: string, params?: Record<string, string>) =>
    translator.t(`counsellor.${key}`, locale, params);
  switch (task.kind) {
    case "handover": {
      return t("task_handover", { reason: t(handoverReasonKey(String(data.reason ?? ""))) });
    }
    case "handover.unanswered":
      return t("task_handover_unanswered");
    case "appointment.response": {
      const answer = String(data.answer ?? "");
      return APPOINTMENT_ANSWERS.has(answer) ? t(`task_appointment_${answer}`) : t("task_unknown");
    }
    case "checkin.escalation": {
      const codes = String(data.reasons ?? "")
        .split(",")
        .filter((c) => CHECKIN_REASONS.has(c));
      // Tasks raised before reasons were codes carry an English `reason`: shown as it is.
      const words = translator.formatList(
        codes.map((c) => t(`checkin_reason_${c}`)),
        locale,
      );
      return t("task_checkin_escalation", { reasons: words || String(data.reason ?? "—") });
    }
    case "job.interest":
      return t("task_job_interest");
    default:
      return t("task_unknown");
  }
}

/** The tasks a staff member may see: their organisation's; a steward's only of their clients. */
export async function taskScopeFor(db: DbClient, staff: StaffIdentity): Promise<TaskScope> {
  if (staff.role !== "steward") return { organisationId: staff.organisationId };
  const cases = await db.case.findMany({ where: caseScope(staff), select: { id: true } });
  return { organisationId: staff.organisationId, caseIds: cases.map((c) => c.id) };
}
