/**
 * The two timers of a handover, as nudge kinds: `handover_unanswered` (no person has written after
 * the programme's working hours: flag it for the coordinator, with a task, and tell the client
 * where their message is) and `handover_quiet` (answered, then quiet for the programme's quiet
 * time: back to the bot, saying so). Both are said in the conversation the client wrote in last;
 * going back to the bot also asks again, in each other conversation of the client, the question
 * its flow waits at (hand-back.ts).
 */
import type { EngineContext } from "../../engine/types.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { NudgeHandler } from "../../scheduling/nudge-worker.ts";
import { createTask } from "../tasks/tasks.ts";
import { backToBotEverywhere, closeHandover } from "./hand-back.ts";
import { publishInboxChange } from "./inbox-events.ts";

/** Flags a handover nobody answered, for the coordinator; the client hears that it is with a person. */
export function handoverUnansweredHandler(): NudgeHandler {
  return {
    async decide(tx, nudge, now) {
      const handover = await tx.handover.findUnique({ where: { id: nudge.subjectId } });
      if (handover?.status !== "open") return { skip: "handover closed" };
      if (handover.answeredAt) return { skip: "answered" };
      await tx.handover.update({ where: { id: handover.id }, data: { flaggedAt: now } });
      await createTask(tx, {
        kind: "handover.unanswered",
        caseId: handover.caseId,
        organisationId: handover.organisationId,
        data: { handoverId: handover.id },
        // For the coordinator, whoever that is today: nobody in particular.
        assigneeStaffId: null,
      });
      if (handover.organisationId)
        await publishInboxChange(tx, { organisationId: handover.organisationId, handoverId: handover.id });
      return { outputs: [{ key: handover.seenAt ? "handover.seen" : "handover.escalated" }] };
    },
  };
}

/** Gives an answered, quiet conversation back to the bot. */
export function handoverQuietHandler(
  flows: FlowRegistry,
  context: (now: Date) => EngineContext,
): NudgeHandler {
  return {
    async decide(tx, nudge, now, conversationId) {
      const handover = await tx.handover.findUnique({ where: { id: nudge.subjectId } });
      if (handover?.status !== "open") return { skip: "handover closed" };
      await closeHandover(tx, { handover, reason: "quiet_time", staffId: null, now });
      // Said where the client wrote last (the nudge follows the client), with that conversation's
      // question; the worker renders it in that conversation's language, and the others in theirs.
      const [here, ...alsoTo] = await backToBotEverywhere(tx, {
        handover,
        to: { id: conversationId, locale: null },
        reason: "quiet_time",
        flows,
        context: context(now),
      });
      return { outputs: here?.outputs ?? [], alsoTo };
    },
  };
}
