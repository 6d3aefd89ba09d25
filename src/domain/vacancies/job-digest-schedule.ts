/**
 * When the weekly job digest runs: a BullMQ job scheduler on the `job-digest` queue (Mondays at
 * 10:00 in the programmes' time zone by default, after the default quiet hours end at 08:00) and
 * a worker that runs `sendJobDigests`. Upserting the scheduler at every start is safe: one
 * scheduler, one job per slot, however many processes start it. A slot missed while no worker ran
 * is taken when one starts again; the digest's idempotency key makes a second run that week send
 * nothing.
 */
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type Logger, loggableError } from "../../logger.ts";
import { type JobDigestDeps, sendJobDigests } from "./job-digest.ts";

export const JOB_DIGEST_QUEUE = "job-digest";
/** The scheduler's id in the queue. */
export const JOB_DIGEST_SCHEDULER = "job-digest";
/** Every Monday at 10:00 (cron, in `timeZone`). */
export const JOB_DIGEST_PATTERN = "0 10 * * 1";

export interface JobDigestScheduleOptions extends JobDigestDeps {
  connection: Redis;
  /** QUEUE_PREFIX; tests use one of their own. */
  prefix: string;
  logger: Logger;
  /** IANA zone the pattern and the ISO week are read in (TZ_DEFAULT). */
  timeZone: string;
  /** Cron pattern; default JOB_DIGEST_PATTERN. */
  pattern?: string;
}

export interface JobDigestSchedule {
  /** The queue, for tests and inspection (getJobScheduler). */
  queue: Queue;
  /** Upserts the scheduler again (after Redis came back empty); idempotent. */
  ensureScheduler(): Promise<void>;
  /** Stops the worker (waiting for a run in progress) and closes the queue; the scheduler stays. */
  close(): Promise<void>;
}

/** Upserts the weekly scheduler and starts the worker that sends the digests. */
export async function startJobDigestSchedule(options: JobDigestScheduleOptions): Promise<JobDigestSchedule> {
  const { connection, prefix, logger, timeZone } = options;
  const queue = new Queue(JOB_DIGEST_QUEUE, { connection, prefix });
  queue.on("error", (error) => logger.warn({ err: loggableError(error) }, "job digest queue error"));
  const ensureScheduler = async () => {
    await queue.upsertJobScheduler(
      JOB_DIGEST_SCHEDULER,
      { pattern: options.pattern ?? JOB_DIGEST_PATTERN, tz: timeZone },
      {
        name: "send-digests",
        opts: {
          removeOnComplete: 50,
          removeOnFail: 50,
          attempts: 3,
          backoff: { type: "exponential", delay: 60_000 },
        },
      },
    );
  };
  await ensureScheduler();
  const worker = new Worker(
    JOB_DIGEST_QUEUE,
    async (job) => {
      const report = await sendJobDigests(options, { now: new Date(), timeZone });
      logger.info(
        { jobId: job.id, week: report.week, sent: report.sent.length, skipped: report.skipped.length },
        "job digests sent",
      );
      return { week: report.week, sent: report.sent.length, skipped: report.skipped.length };
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on("failed", (job, error) =>
    logger.warn({ jobId: job?.id, err: loggableError(error) }, "job digest run failed"),
  );
  worker.on("error", (error) => logger.warn({ err: loggableError(error) }, "job digest worker error"));
  return {
    queue,
    ensureScheduler,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
