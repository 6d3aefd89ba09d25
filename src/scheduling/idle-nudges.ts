/**
 * Nudges for an unfinished flow: once after 24 h and once after 72 h without an answer (the
 * programme's `idleNudges`), then left alone. Every turn re-plans them from that turn's time, so
 * they only fire after real silence; a finished or abandoned run loses them.
 */
import type { Queue } from "bullmq";
import { repromptRun } from "../engine/engine.ts";
import type { EngineContext, RunState } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { DbClient } from "../store/prisma.ts";
import type { NudgeJobData } from "./nudge-queue.ts";
import { cancelNudges, cancelStale, type NudgePlan, setTimers, type TimerRow } from "./nudge-store.ts";
import type { NudgeHandler } from "./nudge-worker.ts";
import type { ProgrammeSchedule } from "./programme-schedule.ts";
import { scheduleForClient, scheduleOf } from "./programme-schedule-for.ts";
import { idleNudgeTimes } from "./schedule.ts";

/**
 * Plans the idle nudges of the waiting run, and cancels those of runs no longer waiting. Returns
 * the jobIds whose timers change and the rows of those left pending (no read-back needed).
 */
export async function replanIdleNudges(
  tx: DbClient,
  input: {
    conversationId: string;
    waitingRunId: string | null;
    finishedRunIds: string[];
    now: Date;
    schedule: ProgrammeSchedule;
  },
): Promise<{ jobIds: string[]; pending: TimerRow[] }> {
  const jobIds: string[] = [];
  const pending: TimerRow[] = [];
  if (input.finishedRunIds.length) {
    const where = { subjectId: { in: input.finishedRunIds }, kind: "idle_flow" } as const;
    jobIds.push(...(await cancelNudges(tx, where, "flow finished")));
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
    jobIds.push(
      ...(await cancelStale(
        tx,
        [runId],
        plans.map((p) => p.jobId),
      )),
    );
    // A nudge already sent for this run is planned again after a new answer: re-opened, pending.
    for (const plan of plans) {
      await tx.nudge.upsert({
        where: { jobId: plan.jobId },
        create: { ...plan },
        update: { dueAt: plan.dueAt, status: "pending", reason: null, firedAt: null },
      });
      jobIds.push(plan.jobId);
      pending.push({ jobId: plan.jobId, status: "pending", dueAt: plan.dueAt });
    }
  }
  return { jobIds, pending };
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
  /** The client's programme as the turn read it; undefined: not known, read it. */
  programme?: { timeZone: string; settings: unknown } | null;
}

/**
 * After each turn (registered with the conversation core in app/): re-plans the idle nudges in
 * the turn's transaction, and sets their timers once the replies are sent.
 */
export function idleNudgesAfterTurn(queue: Queue<NudgeJobData>, defaultTimeZone: string) {
  return async (tx: DbClient, turn: TurnSeen): Promise<(() => Promise<void>) | undefined> => {
    if (!turn.clientId || turn.declined) return undefined;
    const { programme } = turn;
    const schedule =
      programme === undefined
        ? await scheduleForClient(tx, turn.clientId, defaultTimeZone)
        : scheduleOf(programme, defaultTimeZone);
    const { jobIds, pending } = await replanIdleNudges(tx, {
      conversationId: turn.conversationId,
      waitingRunId: turn.waitingRunId,
      finishedRunIds: turn.finishedRunIds,
      now: turn.now,
      schedule,
    });
    return jobIds.length ? () => setTimers(queue, jobIds, pending, turn.now) : undefined;
  };
}
