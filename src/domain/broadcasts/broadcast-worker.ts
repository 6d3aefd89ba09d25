/**
 * The worker of the "broadcasts" queue: runs a broadcast's fan-out when its timer fires. A run
 * that stops (the process dies, Postgres fails) is taken over by BullMQ (stalled job) or retried
 * with backoff, and the fan-out resumes where it stopped. `reconcileBroadcasts` gives every
 * scheduled or sending broadcast its job again if Redis lost it.
 */
import { DelayedError, type Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type Logger, loggableError } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";
import { type FanOutDeps, fanOutBroadcast } from "./broadcast-fanout.ts";
import { BROADCAST_QUEUE, type BroadcastJobData, scheduleBroadcastJob } from "./broadcast-queue.ts";

export interface BroadcastWorkerOptions extends FanOutDeps {
  connection: Redis;
  prefix: string;
  logger: Logger;
  lockDuration?: number;
  stalledInterval?: number;
}

export function createBroadcastWorker(options: BroadcastWorkerOptions): Worker<BroadcastJobData> {
  const log = options.logger.child({ component: "broadcasts" });
  const worker: Worker<BroadcastJobData> = new Worker<BroadcastJobData>(
    BROADCAST_QUEUE,
    async (job, token) => {
      const result = await fanOutBroadcast(options, job.data.broadcastId);
      if (result.outcome === "not due" && result.sendAt) {
        // Moved later (the timer was early, or the broadcast was re-timed): wait for it.
        await job.moveToDelayed(result.sendAt.getTime(), token);
        throw new DelayedError();
      }
      log.info({ broadcastId: job.data.broadcastId, ...result }, "broadcast fan-out");
      return result.outcome;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 2,
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
    },
  );
  worker.on("error", (error) => log.warn({ err: loggableError(error) }, "broadcast worker error"));
  worker.on("failed", (job, error) =>
    log.warn({ broadcastId: job?.data.broadcastId, err: loggableError(error) }, "broadcast fan-out failed"),
  );
  return worker;
}

/** Re-adds the job of every broadcast still to be fanned out; returns how many it looked at. */
export async function reconcileBroadcasts(db: Db, queue: Queue<BroadcastJobData>): Promise<number> {
  const open = await db.broadcast.findMany({
    where: { status: { in: ["scheduled", "sending"] } },
    select: { id: true, sendAt: true },
  });
  for (const broadcast of open) await scheduleBroadcastJob(queue, broadcast.id, broadcast.sendAt);
  return open.length;
}
