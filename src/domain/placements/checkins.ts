/**
 * Retention check-ins: the nudge that asks, the mood tap, the follow-up answers, and escalation
 * to the counsellor — for a bad answer, or when two check-ins in a row went unanswered.
 */
import type { Answer, Output } from "../../engine/types.ts";
import type { NudgeHandler } from "../../scheduling/nudge-worker.ts";
import type { DbClient } from "../../store/prisma.ts";
import { checkInMessage } from "./checkin-messages.ts";

async function escalate(tx: DbClient, checkInId: string, reason: string): Promise<void> {
  const checkIn = await tx.checkIn.update({
    where: { id: checkInId },
    data: { escalated: true },
    include: {
      placement: {
        select: { caseId: true, case: { select: { programme: { select: { organisationId: true } } } } },
      },
    },
  });
  await tx.counsellorTask.create({
    data: {
      caseId: checkIn.placement.caseId,
      organisationId: checkIn.placement.case.programme?.organisationId ?? null,
      kind: "checkin.escalation",
      data: { checkInId, point: checkIn.point, reason },
    },
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
        await escalate(tx, earlier[0]?.id as string, "no answer to two check-ins");
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
  if (input.mood <= 2 && !checkIn.escalated) await escalate(tx, checkIn.id, `mood ${input.mood}`);
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
  const reasons = [
    answers.still_working === false ? "stopped working" : "",
    answers.wants_help === true ? "wants help" : "",
    answers.paid_on_time === false ? "not paid on time" : "",
    problems.length ? `problems: ${problems.join(", ")}` : "",
  ].filter(Boolean);
  if (reasons.length && !checkIn.escalated) await escalate(tx, checkInId, reasons.join("; "));
}
