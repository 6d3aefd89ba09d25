/**
 * Scheduling benchmark: what 100,000 pending appointment reminders cost in Redis, and how close
 * to their due time BullMQ fires delayed jobs. Runs against the local Redis (REDIS_URL or
 * redis://127.0.0.1:6379) under a queue prefix of its own (`bench-<timestamp>`), and removes
 * everything it made at the end. Needs no Postgres. See bench/README.md for what each figure means.
 *
 *   npm run bench:schedule
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createNudgeQueue, NUDGE_QUEUE, type NudgeJobData } from "../src/scheduling/nudge-queue.ts";
import { addTimer } from "../src/scheduling/nudge-store.ts";
import { assertRedisReachable, createRedis, RedisUnreachableError } from "../src/store/redis.ts";

const REMINDERS = 100_000;
const BATCH = 1_000;
const SINGLE_SAMPLE = 5_000;
const PRECISION_SAMPLE = 1_000;
const CONCURRENCY = 20;
const HORIZON_MS = 30 * 24 * 3600_000;
/** The 105,000 background reminders are due 1 h to 30 days out: none of them fires during the run. */
const EARLIEST_MS = 3600_000;
/** The precision sample is due between these offsets from the moment it is added. */
const SAMPLE_FROM_MS = 10_000;
const SAMPLE_TO_MS = 50_000;
/** How long after the last due time to wait for stragglers (and for a second firing). */
const GRACE_MS = 15_000;

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const runTag = Date.now().toString(36);
const prefix = `bench-${Date.now()}`;

/** A cuid-shaped fake appointment id (25 characters, like the real ones). */
function fakeAppointmentId(i: number): string {
  const tail = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(13, "0")
    .slice(0, 10);
  return `c${runTag.padStart(8, "0").slice(-8)}${i.toString(36).padStart(6, "0")}${tail}`;
}

/** The production job id of an appointment's 2-hour reminder. */
const reminderJobId = (i: number) => `reminder:${fakeAppointmentId(i)}:PT2H`;

/** What addTimer passes to queue.add, for addBulk. */
function timerJob(jobId: string, dueAt: number, now: number) {
  const delay = Math.max(0, dueAt - now);
  return { name: "nudge", data: { jobId }, opts: { jobId, delay, timestamp: dueAt - delay } };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match?.[1]) throw new Error("INFO memory has no used_memory");
  return Number(match[1]);
}

/** Every key under the benchmark's prefix. */
async function ourKeys(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 5000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

/** MEMORY USAGE of our keys, summed by kind (job hashes vs. each of the queue's other keys). */
async function keyMemory(
  redis: Redis,
): Promise<{ keys: number; jobs: number; jobBytes: number; other: Record<string, number> }> {
  const keys = await ourKeys(redis);
  const jobPrefix = `${prefix}:${NUDGE_QUEUE}:reminder:`;
  let jobs = 0;
  let jobBytes = 0;
  const other: Record<string, number> = {};
  for (let i = 0; i < keys.length; i += 1000) {
    const slice = keys.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    for (const key of slice) pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
    const replies = (await pipeline.exec()) ?? [];
    slice.forEach((key, j) => {
      const bytes = Number(replies[j]?.[1] ?? 0);
      if (key.startsWith(jobPrefix)) {
        jobs++;
        jobBytes += bytes;
      } else {
        const name = key.slice(`${prefix}:${NUDGE_QUEUE}:`.length);
        other[name] = (other[name] ?? 0) + bytes;
      }
    });
  }
  return { keys: keys.length, jobs, jobBytes, other };
}

function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const log = (line: string) => console.log(`[bench:schedule] ${line}`);

try {
  await assertRedisReachable(url);
} catch (error) {
  console.error(
    error instanceof RedisUnreachableError ? error.message : `Redis: ${(error as Error).message}`,
  );
  process.exit(1);
}

const redis = createRedis(url);
redis.on("error", () => {}); // like the bot, it waits for a Redis that went away
const queue = createNudgeQueue(redis, prefix);
let worker: Worker<NudgeJobData> | undefined;
let cleaned = false;

async function cleanUp(): Promise<{ ms: number; leftover: number }> {
  if (cleaned) return { ms: 0, leftover: 0 };
  cleaned = true;
  const started = performance.now();
  await worker?.close();
  await queue.obliterate({ force: true });
  const ms = performance.now() - started;
  const leftover = await ourKeys(redis);
  await queue.close();
  await redis.quit();
  return { ms, leftover: leftover.length };
}

/** Ctrl-C: the run stops at its next step and removes its queue (a second Ctrl-C quits at once). */
class Interrupted extends Error {}
let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  log("interrupted: stopping and removing the benchmark's queue…");
  process.once("SIGINT", () => process.exit(130));
});
function stopIfInterrupted(): void {
  if (interrupted) throw new Interrupted("interrupted");
}

try {
  await queue.waitUntilReady();
  // hz matters: Redis wakes a blocked BZPOPMIN (the worker waiting for the next due job) only on
  // its event loop, which ticks every 1000/hz ms when idle — so it bounds the lateness of a timer.
  const { redis_version: redisVersion, hz } = Object.fromEntries(
    (await redis.info("server")).split(/\r?\n/).map((line) => line.split(":") as [string, string]),
  );
  log(`Redis ${redisVersion} (hz ${hz}) at ${new URL(url).host}, queue prefix ${prefix}`);
  const loadBefore = loadavg()[0] ?? 0;

  // 1. 100,000 reminders with addBulk, batches of 1,000 — then memory per pending job (2).
  const memBefore = await usedMemory(redis);
  const bulkStarted = performance.now();
  for (let from = 0; from < REMINDERS; from += BATCH) {
    stopIfInterrupted();
    const now = Date.now();
    const jobs = [];
    for (let i = from; i < Math.min(REMINDERS, from + BATCH); i++) {
      const dueAt =
        now + EARLIEST_MS + Math.floor(((i + Math.random()) / REMINDERS) * (HORIZON_MS - EARLIEST_MS));
      jobs.push(timerJob(reminderJobId(i), dueAt, now));
    }
    await queue.addBulk(jobs);
  }
  const bulkMs = performance.now() - bulkStarted;
  const bulkRate = REMINDERS / (bulkMs / 1000);
  log(`addBulk: ${fmt(REMINDERS)} jobs in ${(bulkMs / 1000).toFixed(2)} s (${fmt(bulkRate)} jobs/s)`);

  await sleep(500);
  const memAfter = await usedMemory(redis);
  const delayedCount = await queue.getDelayedCount();
  const perJob = (memAfter - memBefore) / REMINDERS;
  const keys = await keyMemory(redis);
  log(
    `memory: used_memory +${fmt(memAfter - memBefore)} bytes (${fmt(perJob)} per job); ` +
      `${fmt(keys.jobs)} job hashes ${fmt(keys.jobBytes / Math.max(1, keys.jobs))} bytes each; ` +
      `other keys ${Object.entries(keys.other)
        .map(([k, b]) => `${k} ${fmt(b)}`)
        .join(", ")}`,
  );

  // 1b. The same with one queue.add per job, through production's addTimer.
  const singleStarted = performance.now();
  for (let i = 0; i < SINGLE_SAMPLE; i++) {
    stopIfInterrupted();
    const now = Date.now();
    const dueAt = now + EARLIEST_MS + Math.floor(Math.random() * (HORIZON_MS - EARLIEST_MS));
    await addTimer(queue, reminderJobId(REMINDERS + i), new Date(dueAt), new Date(now));
  }
  const singleMs = performance.now() - singleStarted;
  const singleRate = SINGLE_SAMPLE / (singleMs / 1000);
  log(
    `queue.add: ${fmt(SINGLE_SAMPLE)} jobs in ${(singleMs / 1000).toFixed(2)} s (${fmt(singleRate)} jobs/s)`,
  );

  // 3. Timer precision: 1,000 jobs due 10–50 s from now, on the same (full) queue.
  const sampleIds = new Set<string>();
  const fired = new Map<string, number>();
  const lateness: number[] = [];
  let unexpected = 0;
  let lastFired = 0;
  worker = new Worker<NudgeJobData>(
    NUDGE_QUEUE,
    async (job: Job<NudgeJobData>) => {
      const late = Date.now() - (job.timestamp + (job.opts.delay ?? 0));
      const id = job.id ?? "";
      if (!sampleIds.has(id)) {
        unexpected++;
        log(
          `fired but not in the sample: ${id} (due ${new Date(job.timestamp + (job.opts.delay ?? 0)).toISOString()})`,
        );
        return;
      }
      const times = (fired.get(id) ?? 0) + 1;
      fired.set(id, times);
      if (times === 1) lateness.push(late);
      lastFired = Date.now();
    },
    { connection: redis, prefix, concurrency: CONCURRENCY },
  );
  worker.on("error", (error) => log(`worker error: ${error.message}`));
  await worker.waitUntilReady();

  const sampleStart = REMINDERS + SINGLE_SAMPLE;
  const now = Date.now();
  const sample = [];
  for (let i = 0; i < PRECISION_SAMPLE; i++) {
    const jobId = reminderJobId(sampleStart + i);
    sampleIds.add(jobId);
    const offset =
      SAMPLE_FROM_MS + Math.floor(((i + Math.random()) / PRECISION_SAMPLE) * (SAMPLE_TO_MS - SAMPLE_FROM_MS));
    sample.push(timerJob(jobId, now + offset, now));
  }
  await queue.addBulk(sample);
  const lastDue = now + SAMPLE_TO_MS;
  log(
    `precision: ${fmt(PRECISION_SAMPLE)} jobs due in ${SAMPLE_FROM_MS / 1000}–${SAMPLE_TO_MS / 1000} s; waiting…`,
  );

  // Until all have fired and a little after (a second firing would show up then), or a deadline.
  const deadline = lastDue + GRACE_MS;
  while (Date.now() < deadline) {
    stopIfInterrupted();
    if (fired.size === PRECISION_SAMPLE && Date.now() > Math.max(lastDue, lastFired) + 2_000) break;
    await sleep(250);
  }
  await worker.close();

  const loadAfter = loadavg()[0] ?? 0;
  const duplicates = [...fired.values()].filter((n) => n > 1).length;
  const sorted = [...lateness].sort((a, b) => a - b);
  const result = {
    redis: redisVersion,
    redisHz: Number(hz),
    reminders: REMINDERS,
    batchSize: BATCH,
    addBulkSeconds: +(bulkMs / 1000).toFixed(3),
    addBulkJobsPerSecond: Math.round(bulkRate),
    singleAddSample: SINGLE_SAMPLE,
    singleAddJobsPerSecond: Math.round(singleRate),
    delayedAfterBulk: delayedCount,
    usedMemoryDeltaBytes: memAfter - memBefore,
    bytesPerPendingJob: Math.round(perJob),
    jobHashBytes: Math.round(keys.jobBytes / Math.max(1, keys.jobs)),
    keyMemoryBytes: keys.other,
    precisionSample: PRECISION_SAMPLE,
    fired: fired.size,
    duplicates,
    missing: PRECISION_SAMPLE - fired.size,
    unexpected,
    latenessP50Ms: percentile(sorted, 0.5),
    latenessP99Ms: percentile(sorted, 0.99),
    latenessMaxMs: sorted.at(-1) ?? Number.NaN,
    latenessMinMs: sorted[0] ?? Number.NaN,
    cores: cpus().length,
    loadAverage1m: [+loadBefore.toFixed(2), +loadAfter.toFixed(2)],
  };

  const cleanup = await cleanUp();
  const ok = result.fired === PRECISION_SAMPLE && !duplicates && !unexpected && delayedCount === REMINDERS;

  console.log(
    [
      "",
      "== Scheduling benchmark ==",
      `Redis:                         ${redisVersion}, hz ${hz} (${new URL(url).host})`,
      `Machine:                       ${cpus().length} cores, load average (1 min) ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end`,
      `Reminders enqueued (addBulk):  ${fmt(REMINDERS)} in batches of ${fmt(BATCH)}`,
      `Time to enqueue:               ${(bulkMs / 1000).toFixed(2)} s`,
      `addBulk throughput:            ${fmt(bulkRate)} jobs/s`,
      `queue.add throughput:          ${fmt(singleRate)} jobs/s (${fmt(SINGLE_SAMPLE)} sequential adds)`,
      `Delayed jobs after addBulk:    ${fmt(delayedCount)}`,
      `used_memory delta:             ${fmt(memAfter - memBefore)} bytes`,
      `Memory per pending job:        ${fmt(perJob)} bytes`,
      `  of which the job hash:       ${fmt(result.jobHashBytes)} bytes (MEMORY USAGE)`,
      `Precision sample:              ${fmt(PRECISION_SAMPLE)} jobs due in ${SAMPLE_FROM_MS / 1000}–${SAMPLE_TO_MS / 1000} s, concurrency ${CONCURRENCY}`,
      `Fired:                         ${fmt(result.fired)} / ${fmt(PRECISION_SAMPLE)}`,
      `Fired more than once:          ${duplicates}`,
      `Fired but not in the sample:   ${unexpected}`,
      `Lateness p50:                  ${result.latenessP50Ms} ms`,
      `Lateness p99:                  ${result.latenessP99Ms} ms`,
      `Lateness max:                  ${result.latenessMaxMs} ms`,
      `Cleanup (obliterate):          ${(cleanup.ms / 1000).toFixed(2)} s, ${cleanup.leftover} keys left`,
      `Verdict:                       ${ok ? "OK" : "CHECK THE FIGURES ABOVE"}`,
      "",
    ].join("\n"),
  );
  console.log(
    `RESULT ${JSON.stringify({ ...result, cleanupSeconds: +(cleanup.ms / 1000).toFixed(3), leftoverKeys: cleanup.leftover, ok })}`,
  );
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  if (!(error instanceof Interrupted))
    console.error(`[bench:schedule] failed: ${(error as Error).stack ?? error}`);
  await cleanUp().then(
    ({ leftover }) => log(`queue removed (${leftover} keys left under ${prefix})`),
    (e) => console.error(`[bench:schedule] cleanup failed: ${(e as Error).message}`),
  );
  process.exitCode = error instanceof Interrupted ? 130 : 1;
}
