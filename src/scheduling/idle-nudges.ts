/**
 * Nudges for an unfinished flow: once after 24 h and once after 72 h without an answer (the
 * programme's `idleNudges`), then left alone. Every turn re-plans them from that turn's time, so
 * they only fire after real silence; a finished or abandoned run loses them. A re-planned nudge
 * keeps its timer: it goes off at the earlier time and the worker delays it to the row's.
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import { repromptRun } from "../engine/engine.ts";
import type { EngineContext, RunState } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import { openHandoverOfConversation } from "../store/open-handover.ts";
import type { DbClient } from "../store/prisma.ts";
import type { SqlParams, WriteKeys, WritePart } from "../store/sql-write.ts";
import type { NudgeJobData } from "./nudge-queue.ts";
import { addTimer, setTimers, type TimerRow } from "./nudge-store.ts";
import type { NudgeHandler } from "./nudge-worker.ts";
import type { ProgrammeSchedule } from "./programme-schedule.ts";
import { scheduleForClient, scheduleOf } from "./programme-schedule-for.ts";
import { idleNudgeTimes } from "./schedule.ts";

/**
 * Plans the idle nudges of the waiting run, and cancels those of runs no longer waiting, as parts
 * of the turn's one write (store/sql-write.ts): the finished runs' pending nudges cancelled
 * (`idle_done`), the waiting run's other pending ones cancelled (`idle_stale`), its nudges made
 * pending at their new times (`idle_plan`, which re-opens one already sent). The parts touch
 * different rows. Returns them with the rows left pending (their timers need no read-back).
 */
export function idleNudgeParts(
  params: SqlParams,
  input: {
    conversationId: string;
    waitingRunId: string | null;
    finishedRunIds: string[];
    now: Date;
    schedule: ProgrammeSchedule;
  },
): { parts: WritePart[]; pending: TimerRow[] } {
  const parts: WritePart[] = [];
  const pending: TimerRow[] = [];
  if (input.finishedRunIds.length) {
    const sql = `UPDATE "Nudge" SET status = 'cancelled', reason = 'flow finished'
      WHERE "subjectId" = ANY(${params.add(input.finishedRunIds, "text[]")}) AND kind = 'idle_flow'
        AND status = 'pending' RETURNING "jobId" AS key`;
    parts.push({ name: "idle_done", sql, returns: true });
  }
  const runId = input.waitingRunId;
  if (!runId) return { parts, pending };
  const times = idleNudgeTimes(input.now, input.schedule);
  const jobIds = times.map((_, index) => `idle:${runId}:${index + 1}`);
  const run = params.add(runId, "text");
  const stale = `UPDATE "Nudge" SET status = 'cancelled', reason = 'replaced'
    WHERE "subjectId" = ${run} AND status = 'pending' AND NOT ("jobId" = ANY(${params.add(jobIds, "text[]")}))
    RETURNING "jobId" AS key`;
  parts.push({ name: "idle_stale", sql: stale, returns: true });
  if (!times.length) return { parts, pending };
  const conversation = params.add(input.conversationId, "text");
  const rows = times.map((dueAt, index) => {
    pending.push({ jobId: jobIds[index] as string, status: "pending", dueAt });
    const [id, jobId, due] = [
      params.add(randomUUID(), "text"),
      params.add(jobIds[index], "text"),
      params.add(dueAt, "timestamp"),
    ];
    return `(${id}, ${jobId}, 'idle_flow', ${conversation}, ${run}, ${due}, 'pending')`;
  });
  const plan = `INSERT INTO "Nudge" (id, "jobId", kind, "conversationId", "subjectId", "dueAt", status)
    VALUES ${rows.join(", ")}
    ON CONFLICT ("jobId") DO UPDATE SET "dueAt" = EXCLUDED."dueAt", status = 'pending', reason = NULL, "firedAt" = NULL
    RETURNING "jobId" AS key`;
  parts.push({ name: "idle_plan", sql: plan, returns: true }, priorPart(params, pending));
  return { parts, pending };
}

/**
 * What each planned nudge was before the turn (the statement's snapshot): `<jobId> armed` when it
 * was pending and due no later than now planned — its timer goes off first, and the worker delays
 * it again to the row's `dueAt` (nudge-worker.ts), so it needs no Redis call; `<jobId> new` when
 * there was no row (its timer is added); `<jobId> other` otherwise (sent, cancelled, or due later:
 * its timer is set afresh, setTimers).
 */
function priorPart(params: SqlParams, planned: readonly TimerRow[]): WritePart {
  const wanted = planned.map(
    (row) => `(${params.add(row.jobId, "text")}, ${params.add(row.dueAt, "timestamp")})`,
  );
  const sql = `SELECT w.job || CASE WHEN n."jobId" IS NULL THEN ' new'
        WHEN n.status = 'pending' AND n."dueAt" <= w.due THEN ' armed' ELSE ' other' END AS key
      FROM (VALUES ${wanted.join(", ")}) AS w(job, due) LEFT JOIN "Nudge" n ON n."jobId" = w.job`;
  return { name: "idle_prior", sql, returns: true };
}

/** What a turn's write says of its idle nudges' timers: those it cancelled, and each planned one. */
interface TimersToSet {
  cancelled: string[];
  planned: { row: TimerRow; was: string | undefined }[];
}

function timersToSet(keys: WriteKeys, pending: readonly TimerRow[]): TimersToSet {
  const planned = new Set(keys.get("idle_plan") ?? []);
  const prior = new Map((keys.get("idle_prior") ?? []).map((key) => key.split(" ") as [string, string]));
  return {
    cancelled: ["idle_done", "idle_stale"].flatMap((part) => keys.get(part) ?? []),
    planned: pending
      .filter((row) => planned.has(row.jobId))
      .map((row) => ({ row, was: prior.get(row.jobId) })),
  };
}

/**
 * The Redis side of a turn's idle nudges, once its write committed: the timers of the nudges it
 * cancelled removed (`Queue.remove`, one call; a timer firing now re-reads its row), a new
 * nudge's timer added, one sent or cancelled before set afresh (setTimers); an `armed` one left as
 * it is. A nudge the worker fired between the turn's snapshot and its write is re-opened with no
 * timer: the reconciler gives it one (every RECONCILE_INTERVAL_SECONDS, well before it is due).
 */
async function setIdleTimers(queue: Queue<NudgeJobData>, timers: TimersToSet, now: Date): Promise<void> {
  for (const jobId of timers.cancelled) await queue.remove(jobId).catch(() => undefined);
  const again = timers.planned.filter(({ was }) => was !== "armed" && was !== "new").map(({ row }) => row);
  for (const { row, was } of timers.planned)
    if (was === "new") await addTimer(queue, row.jobId, row.dueAt, now);
  if (again.length)
    await setTimers(
      queue,
      again.map((row) => row.jobId),
      again,
      now,
    );
}

/**
 * The idle-flow nudge: "shall we go on?" and the waiting question again, if the run still waits
 * and no person is answering the client (an open handover, from any of their conversations).
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
      // The client's handover, asked for in this conversation or another of theirs.
      const person = await openHandoverOfConversation(tx, run.conversationId);
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
 * the turn's write, and sets their timers once the replies are sent (only those that need it).
 */
export function idleNudgesAfterTurn(queue: Queue<NudgeJobData>, defaultTimeZone: string) {
  return async (turn: TurnSeen, params: SqlParams, read: DbClient) => {
    if (!turn.clientId || turn.declined) return undefined;
    const { programme } = turn;
    const schedule =
      programme === undefined
        ? await scheduleForClient(read, turn.clientId, defaultTimeZone)
        : scheduleOf(programme, defaultTimeZone);
    const { parts, pending } = idleNudgeParts(params, { ...turn, schedule });
    if (!parts.length) return undefined;
    const after = (keys: WriteKeys) => {
      const timers = timersToSet(keys, pending);
      if (!timers.cancelled.length && timers.planned.every(({ was }) => was === "armed")) return undefined;
      return () => setIdleTimers(queue, timers, turn.now);
    };
    return { parts, after };
  };
}
