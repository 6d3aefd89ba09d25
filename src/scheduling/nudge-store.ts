/**
 * The Postgres side of nudges: planning (insert or move), cancelling, and setting timers in
 * Redis to match. A nudge's jobId says what it is for (`reminder:<appointmentId>:<offset>`), so
 * planning it twice, retrying, or restarting never makes a second one.
 */
import type { Queue } from "bullmq";
import type { NudgeKind, NudgeStatus } from "../generated/prisma/client.ts";
import type { Db, DbClient, Prisma } from "../store/prisma.ts";
import type { NudgeJobData } from "./nudge-queue.ts";

export interface NudgePlan {
  jobId: string;
  kind: NudgeKind;
  conversationId: string | null;
  caseId: string | null;
  subjectId: string;
  dueAt: Date;
}

/**
 * Makes these nudges pending at these times (a sent one is left alone), and cancels the other
 * pending nudges of the same subjects. Returns every jobId whose timer must be synced.
 */
export async function planNudges(
  tx: DbClient,
  subjectIds: readonly string[],
  plans: readonly NudgePlan[],
): Promise<string[]> {
  const keep = new Set(plans.map((p) => p.jobId));
  const stale = await cancelStale(tx, subjectIds, [...keep]);
  for (const plan of plans) {
    await tx.nudge.upsert({
      where: { jobId: plan.jobId },
      create: { ...plan },
      update: { dueAt: plan.dueAt, status: "pending", reason: null },
    });
  }
  // Sent nudges stay sent: an upsert above may have re-opened one, so close those again.
  await tx.nudge.updateMany({
    where: { jobId: { in: [...keep] }, firedAt: { not: null } },
    data: { status: "sent" },
  });
  return [...stale, ...keep];
}

/** Cancels the pending nudges of `subjectIds` other than `keep` (one statement); returns their jobIds. */
export async function cancelStale(
  tx: DbClient,
  subjectIds: readonly string[],
  keep: readonly string[],
): Promise<string[]> {
  const stale = await tx.nudge.updateManyAndReturn({
    where: { subjectId: { in: [...subjectIds] }, status: "pending", jobId: { notIn: [...keep] } },
    data: { status: "cancelled", reason: "replaced" },
    select: { jobId: true },
  });
  return stale.map((s) => s.jobId);
}

/** Cancels the pending nudges about `subjectIds` (an appointment cancelled, a client erased). */
export async function cancelNudges(
  tx: DbClient,
  where: Prisma.NudgeWhereInput,
  reason: string,
): Promise<string[]> {
  const cancelled = await tx.nudge.updateManyAndReturn({
    where: { ...where, status: "pending" },
    data: { status: "cancelled", reason },
    select: { jobId: true },
  });
  return cancelled.map((p) => p.jobId);
}

/**
 * Brings the Redis timers of `jobIds` in line with their rows: a pending nudge gets a delayed job
 * at its dueAt (replacing one at another time), any other nudge loses its job.
 */
export async function syncTimers(
  db: Db,
  queue: Queue<NudgeJobData>,
  jobIds: readonly string[],
  now = new Date(),
): Promise<void> {
  if (!jobIds.length) return;
  const rows = await db.nudge.findMany({
    where: { jobId: { in: [...jobIds] } },
    select: { jobId: true, status: true, dueAt: true },
  });
  await setTimers(queue, jobIds, rows, now);
}

/** A nudge's row as far as its timer goes. */
export interface TimerRow {
  jobId: string;
  status: NudgeStatus;
  dueAt: Date;
}

/**
 * syncTimers with the rows already known (the caller just wrote them): the timers of `jobIds`
 * follow `rows`; a jobId without a row loses its timer.
 */
export async function setTimers(
  queue: Queue<NudgeJobData>,
  jobIds: readonly string[],
  rows: readonly TimerRow[],
  now = new Date(),
): Promise<void> {
  const byId = new Map(rows.map((r) => [r.jobId, r]));
  for (const jobId of jobIds) {
    const row = byId.get(jobId);
    const existing = await queue.getJob(jobId);
    const wanted = row?.status === "pending";
    if (existing) {
      const same = wanted && existing.timestamp + (existing.delay ?? 0) === row.dueAt.getTime();
      const state = await existing.getState();
      if (same && state !== "completed" && state !== "failed") continue;
      if (state === "active") continue; // firing now: the worker re-reads the row and decides
      await existing.remove().catch(() => undefined);
    }
    if (wanted) await addTimer(queue, jobId, row.dueAt, now);
  }
}

/** The delayed job of a pending nudge, due at `dueAt` (at once if that has passed). */
export function timerJob(jobId: string, dueAt: Date, now = new Date()) {
  const delay = Math.max(0, dueAt.getTime() - now.getTime());
  return { name: "nudge", data: { jobId }, opts: { jobId, delay, timestamp: dueAt.getTime() - delay } };
}

/** Adds the delayed job for a pending nudge. */
export async function addTimer(
  queue: Queue<NudgeJobData>,
  jobId: string,
  dueAt: Date,
  now = new Date(),
): Promise<void> {
  const { name, data, opts } = timerJob(jobId, dueAt, now);
  await queue.add(name, data, opts);
}
