/**
 * The "nudges" queue: one delayed BullMQ job per pending Nudge row, with the row's jobId as the
 * job id. Redis holds only these timers; Postgres says what must happen (see reconciler.ts).
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export const NUDGE_QUEUE = "nudges";

export interface NudgeJobData {
  jobId: string;
}

/** The nudges queue on `connection`, under `prefix` (QUEUE_PREFIX; tests use their own). */
export function createNudgeQueue(connection: Redis, prefix: string): Queue<NudgeJobData> {
  return new Queue<NudgeJobData>(NUDGE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      removeOnComplete: 1000,
      removeOnFail: 5000,
      attempts: 5,
      backoff: { type: "exponential", delay: 2000 },
    },
  });
}
