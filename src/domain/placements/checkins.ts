/**
 * Retention check-ins: the nudge that asks, the mood tap, the follow-up answers, and escalation
 * to the counsellor — for a bad answer, or when two check-ins in a row went unanswered.
 */
import type { Answer, Output } from "../../engine/types.ts";
import type { NudgeHandler } from "../../scheduling/nudge-worker.ts";
import type { DbClient } from "../../store/prisma.ts";
import { createTask } from "../tasks/tasks.ts";
import { checkInMessage } from "./checkin-messages.ts";

/** Why a check-in needs a person, as codes (the tasks list says them in words). */
type EscalationReason =
  | "unanswered_twice"
  | "low_mood"
  | "stopped_working"
  | "wants_help"
  | "not_paid_on_time"
  | "problems";

async function escalate(tx: DbClient, checkInId: string, reasons: EscalationReason[]): Promise<void> {
  const checkIn = await tx.checkIn.update({
    where: { id: checkInId },
    data: { escalated: true },
    include: {
      placement: {
        select: { caseId: true, case: { select: { programme: { select: { organisationId: true } } } } },
      },
    },
  });
  await createTask(tx, {
    kind: "checkin.escalation",
    caseId: checkIn.placement.caseId,
    organisationId: checkIn.placement.case.programme?.organisationId ?? null,
    data: { checkInId, point: checkIn.point, reasons: reasons.join(","), mood: checkIn.mood },
  });
}

/** The check-in nudge: sent while the placement is active; escalates after two unanswered in a row. */
export function checkInHandler(): NudgeHandler {
  return {
    async decide(tx, nudge, now) {
      const checkIn = await tx.checkIn.findUnique({
        where: { id: nudge.subjectId },
        include: { placement: true },
      });
      if (!checkIn) return { skip: "check-in gone" };
      if (checkIn.placement.status !== "active") return { skip: "placement ended" };
      const earlier = await tx.checkIn.findMany({
        where: { placementId: checkIn.placementId, sentAt: { not: null }, dueAt: { lt: checkIn.dueAt } },
        orderBy: { dueAt: "desc" },
        take: 2,
      });
      if (earlier.length === 2 && earlier.every((c) => !c.answeredAt) && !earlier.some((c) => c.escalated)) {
        await escalate(tx, earlier[0]?.id as string, ["unanswered_twice"]);
      }
      await tx.checkIn.update({ where: { id: checkIn.id }, data: { sentAt: now } });
      return { outputs: [checkInMessage(checkIn.id, checkIn.placement.employer)] };
    },
  };
}

/** A mood tap: stored (only for the client's own check-in); returns whether the follow-up should start. */
export async function recordMood(
  tx: DbClient,
  input: { clientId: string | null; checkInId: string; mood: number; now: Date },
): Promise<{ start: boolean; outputs: Output[] }> {
  const checkIn = await tx.checkIn.findUnique({
    where: { id: input.checkInId },
    include: { placement: { select: { case: { select: { clientId: true } } } } },
  });
  if (!checkIn || !input.clientId || checkIn.placement.case.clientId !== input.clientId) {
    return { start: false, outputs: [{ key: "checkin.unknown" }] };
  }
  await tx.checkIn.update({ where: { id: checkIn.id }, data: { mood: input.mood, answeredAt: input.now } });
  if (input.mood <= 2 && !checkIn.escalated) await escalate(tx, checkIn.id, ["low_mood"]);
  return { start: true, outputs: [] };
}

/** The follow-up answers, stored on the check-in; a bad one escalates. */
export async function completeCheckIn(
  tx: DbClient,
  checkInId: string,
  answers: Record<string, Answer>,
): Promise<void> {
  const checkIn = await tx.checkIn.update({
    where: { id: checkInId },
    data: {
      answers: answers as object,
      ...(typeof answers.still_working === "boolean" ? { stillWorking: answers.still_working } : {}),
    },
  });
  const problems = Array.isArray(answers.problems) ? answers.problems.filter((p) => p !== "none") : [];
  const reasons: EscalationReason[] = [];
  if (answers.still_working === false) reasons.push("stopped_working");
  if (answers.wants_help === true) reasons.push("wants_help");
  if (answers.paid_on_time === false) reasons.push("not_paid_on_time");
  if (problems.length) reasons.push("problems");
  if (reasons.length && !checkIn.escalated) await escalate(tx, checkInId, reasons);
}
