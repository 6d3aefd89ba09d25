/**
 * The Postgres side of nudges: planning (insert or move), cancelling, and setting timers in
 * Redis to match. A nudge's jobId says what it is for (`reminder:<appointmentId>:<offset>`), so
 * planning it twice, retrying, or restarting never makes a second one.
 */
import type { Queue } from "bullmq";
import type { NudgeKind } from "../generated/prisma/client.ts";
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
  const stale = await tx.nudge.findMany({
    where: { subjectId: { in: [...subjectIds] }, status: "pending", jobId: { notIn: [...keep] } },
    select: { jobId: true },
  });
  if (stale.length) {
    await tx.nudge.updateMany({
      where: { jobId: { in: stale.map((s) => s.jobId) } },
      data: { status: "cancelled", reason: "replaced" },
    });
  }
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
  return [...stale.map((s) => s.jobId), ...keep];
}

/** Cancels the pending nudges about `subjectIds` (an appointment cancelled, a client erased). */
export async function cancelNudges(
  tx: DbClient,
  where: Prisma.NudgeWhereInput,
  reason: string,
): Promise<string[]> {
  const pending = await tx.nudge.findMany({
    where: { ...where, status: "pending" },
    select: { jobId: true },
  });
  if (pending.length) {
    await tx.nudge.updateMany({
      where: { jobId: { in: pending.map((p) => p.jobId) } },
      data: { status: "cancelled", reason },
    });
  }
  return pending.map((p) => p.jobId);
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
