/**
 * Nudges for an unfinished flow: once after 24 h and once after 72 h without an answer (the
 * programme's `idleNudges`), then left alone. Every turn re-plans them from that turn's time, so
 * they only fire after real silence; a finished or abandoned run loses them.
 */
import type { Queue } from "bullmq";
import { repromptRun } from "../engine/engine.ts";
import type { EngineContext, RunState } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Db, DbClient } from "../store/prisma.ts";
import type { NudgeJobData } from "./nudge-queue.ts";
import { cancelNudges, type NudgePlan, planNudges, syncTimers } from "./nudge-store.ts";
import type { NudgeHandler } from "./nudge-worker.ts";
import type { ProgrammeSchedule } from "./programme-schedule.ts";
import { scheduleForClient } from "./programme-schedule-for.ts";
import { idleNudgeTimes } from "./schedule.ts";

/** Plans the idle nudges of the waiting run, and cancels those of runs no longer waiting. Returns jobIds to sync. */
export async function replanIdleNudges(
  tx: DbClient,
  input: {
    conversationId: string;
    waitingRunId: string | null;
    finishedRunIds: string[];
    now: Date;
    schedule: ProgrammeSchedule;
  },
): Promise<string[]> {
  const jobIds: string[] = [];
  if (input.finishedRunIds.length) {
    jobIds.push(
      ...(await cancelNudges(
        tx,
        { subjectId: { in: input.finishedRunIds }, kind: "idle_flow" },
        "flow finished",
      )),
    );
  }
  if (input.waitingRunId) {
    const runId = input.waitingRunId;
    const plans: NudgePlan[] = idleNudgeTimes(input.now, input.schedule).map((dueAt, index) => ({
      jobId: `idle:${runId}:${index + 1}`,
      kind: "idle_flow",
      conversationId: input.conversationId,
      caseId: null,
      subjectId: runId,
      dueAt,
    }));
    // A nudge already sent for this run is planned again only after a new answer: re-open it.
    await tx.nudge.updateMany({ where: { subjectId: runId, kind: "idle_flow" }, data: { firedAt: null } });
    jobIds.push(...(await planNudges(tx, [runId], plans)));
  }
  return jobIds;
}

/**
 * The idle-flow nudge: "shall we go on?" and the waiting question again, if the run still waits
 * and no person is answering the conversation (an open handover).
 */
export function idleFlowHandler(flows: FlowRegistry, context: (now: Date) => EngineContext): NudgeHandler {
  return {
    async decide(tx, nudge, now) {
      const run = await tx.flowRun.findUnique({ where: { id: nudge.subjectId } });
      if (run?.status !== "active" || !run.stepId) return { skip: "flow no longer waiting" };
      const newer = await tx.flowRun.findFirst({
        where: { conversationId: run.conversationId, status: "active", startedAt: { gt: run.startedAt } },
        select: { id: true },
      });
      if (newer) return { skip: "another flow is on top" };
      const person = await tx.handover.findFirst({
        where: { conversationId: run.conversationId, status: "open" },
        select: { id: true },
      });
      if (person) return { skip: "a person is answering" };
      const flow =
        flows.version(run.flowId, run.flowVersion) ??
        (flows.has(run.flowId) ? flows.latest(run.flowId) : undefined);
      if (!flow) return { skip: "flow gone" };
      const again = repromptRun(flow, run.state as unknown as RunState, context(now));
      return { outputs: [{ key: "common.idle_nudge" }, ...again.outputs] };
    },
  };
}

/** A saved turn, as the idle nudges see it (the conversation core's SavedTurn). */
interface TurnSeen {
  conversationId: string;
  clientId: string | null;
  declined: boolean;
  waitingRunId: string | null;
  finishedRunIds: string[];
  now: Date;
}

/**
 * After each turn (registered with the conversation core in app/): re-plans the idle nudges in
 * the turn's transaction, and sets their timers once the replies are sent.
 */
export function idleNudgesAfterTurn(db: Db, queue: Queue<NudgeJobData>, defaultTimeZone: string) {
  return async (tx: DbClient, turn: TurnSeen): Promise<(() => Promise<void>) | undefined> => {
    if (!turn.clientId || turn.declined) return undefined;
    const jobIds = await replanIdleNudges(tx, {
      conversationId: turn.conversationId,
      waitingRunId: turn.waitingRunId,
      finishedRunIds: turn.finishedRunIds,
      now: turn.now,
      schedule: await scheduleForClient(tx, turn.clientId, defaultTimeZone),
    });
    return jobIds.length ? () => syncTimers(db, queue, jobIds, turn.now) : undefined;
  };
}
