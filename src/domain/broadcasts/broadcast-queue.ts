/**
 * The "broadcasts" queue: one delayed job per broadcast, `broadcast-<id>`, due at its send time;
 * its worker (broadcast-worker.ts) writes the broadcast's messages into the outbox. Postgres holds
 * the truth (Broadcast.status, sendAt); the reconciler re-adds the job of a broadcast that is
 * scheduled or sending but has none in Redis. The job id is deterministic, so adding it again
 * while it exists does nothing.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export const BROADCAST_QUEUE = "broadcasts";

export interface BroadcastJobData {
  broadcastId: string;
}

/** The job id of a broadcast's fan-out (no colon: BullMQ refuses custom ids with one). */
export function broadcastJobId(broadcastId: string): string {
  return `broadcast-${broadcastId}`;
}

/** The broadcasts queue on `connection` under `prefix` (QUEUE_PREFIX). */
export function createBroadcastQueue(connection: Redis, prefix: string): Queue<BroadcastJobData> {
  return new Queue<BroadcastJobData>(BROADCAST_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    },
  });
}

/**
 * Gives broadcast `id` its timer for `sendAt`. A job that already ended (an earlier run that
 * stopped early, or failed) is replaced so that the fan-out can resume.
 */
export async function scheduleBroadcastJob(
  queue: Queue<BroadcastJobData>,
  broadcastId: string,
  sendAt: Date,
  now = new Date(),
): Promise<void> {
  const jobId = broadcastJobId(broadcastId);
  const state = await queue.getJobState(jobId);
  if (state === "completed" || state === "failed") await queue.remove(jobId);
  else if (state !== "unknown") return;
  await queue.add(
    "fan-out",
    { broadcastId },
    { jobId, delay: Math.max(0, sendAt.getTime() - now.getTime()) },
  );
}
