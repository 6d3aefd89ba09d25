/**
 * The queue workers (the outbox's senders, nudges, job digests, broadcasts, Teams cards, the last
 * messages after an erasure on the command line) and the reconciler. A nudge kind
 * is handled by the domain that owns it: add a handler to `nudgeHandlers`.
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type pg from "pg";
import type { Config } from "../config.ts";
import { baseUrlOf } from "../console/console-context.ts";
import { appointmentReminderHandler } from "../domain/appointments/reminder-handler.ts";
import type { BroadcastJobData } from "../domain/broadcasts/broadcast-queue.ts";
import { createBroadcastWorker, reconcileBroadcasts } from "../domain/broadcasts/broadcast-worker.ts";
import { handoverQuietHandler, handoverUnansweredHandler } from "../domain/handovers/handover-nudges.ts";
import { checkInHandler } from "../domain/placements/checkins.ts";
import { createFarewellWorker } from "../domain/privacy/farewell-worker.ts";
import { startTeamsCardWorker } from "../domain/staff/teams-card-worker.ts";
import { startJobDigestSchedule } from "../domain/vacancies/job-digest-schedule.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import { type Logger, loggableError } from "../logger.ts";
import type { OutboundSenders } from "../outbox/outbound-senders.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { idleFlowHandler } from "../scheduling/idle-nudges.ts";
import type { NudgeJobData } from "../scheduling/nudge-queue.ts";
import { createNudgeWorker, type NudgeWorkerDeps } from "../scheduling/nudge-worker.ts";
import { reconcileNudges, reconcileOutbox } from "../scheduling/reconciler.ts";
import type { PgListen } from "../store/pg-listen.ts";
import type { Db } from "../store/prisma.ts";

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  db: Db;
  sendPool: pg.Pool;
  /** The process's LISTEN connection (the Teams card worker hears of new tasks on it). */
  pgListen: PgListen;
  redis: Redis;
  translator: Translator;
  flows: FlowRegistry;
  outbox: Outbox;
  /** The outbox's senders of this process: started here, closed by the app. */
  outbound: OutboundSenders;
  nudgeQueue: Queue<NudgeJobData>;
  broadcastQueue: Queue<BroadcastJobData>;
}

/** Starts every worker; the returned function stops them all. */
export async function startAppWorkers(
  deps: WorkerDeps,
  options: { reconcile?: boolean } = {},
): Promise<() => Promise<void>> {
  const { config, db, redis, translator, outbox, logger } = deps;
  const prefix = config.QUEUE_PREFIX;
  deps.outbound.start();
  const nudges = createNudgeWorker({
    db,
    connection: redis,
    prefix,
    translator,
    outbox,
    logger,
    handlers: nudgeHandlers(config, deps.flows),
  });
  const digests = await startJobDigestSchedule({
    connection: redis,
    prefix,
    db,
    translator,
    outbox,
    logger,
    timeZone: config.TZ_DEFAULT,
  });
  const broadcasts = createBroadcastWorker({ db, outbox, translator, connection: redis, prefix, logger });
  const farewells = createFarewellWorker({ connection: redis, prefix, senders: deps.outbound, logger });
  const cards = startTeamsCardWorker({
    db,
    outbox,
    translator,
    logger,
    baseUrl: baseUrlOf(config),
    queue: prefix,
    pgListen: deps.pgListen,
    pollMs: config.TEAMS_CARD_POLL_SECONDS * 1000,
  });
  const reconciler = options.reconcile === false ? undefined : await startReconciler(deps);
  // Redis back after a loss may be empty (no persistence): re-arm every timer and the digest
  // scheduler at once, not at the next pass. Both are idempotent, so a Redis that kept its data
  // loses nothing by it.
  const stopRearm = onRedisBack(redis, logger, async () => {
    await digests.ensureScheduler();
    await reconciler?.reconcile();
    logger.info("redis back: timers and schedulers re-armed");
  });
  return async () => {
    stopRearm();
    reconciler?.stop();
    await Promise.all([
      nudges.close(),
      broadcasts.close(),
      farewells.close(),
      digests.close(),
      cards.close(),
    ]);
  };
}

/** Each kind of nudge, handled by the domain it belongs to. */
function nudgeHandlers(config: Config, flows: FlowRegistry): NudgeWorkerDeps["handlers"] {
  const context = (now: Date) => ({ now, timeZone: config.TZ_DEFAULT, locales: CLIENT_LOCALES });
  return {
    appointment_reminder: appointmentReminderHandler(config.TZ_DEFAULT),
    checkin: checkInHandler(),
    idle_flow: idleFlowHandler(flows, context),
    handover_unanswered: handoverUnansweredHandler(),
    handover_quiet: handoverQuietHandler(flows, context),
  };
}

/** Reconciles at once and every RECONCILE_INTERVAL_SECONDS; `reconcile()` runs a pass now. */
async function startReconciler(deps: WorkerDeps): Promise<{ reconcile(): Promise<unknown>; stop(): void }> {
  const { db, logger } = deps;
  const reconcile = () =>
    Promise.all([
      reconcileNudges(db, deps.nudgeQueue, logger),
      reconcileOutbox(deps.sendPool, deps.config.QUEUE_PREFIX),
      reconcileBroadcasts(db, deps.broadcastQueue),
    ]).catch((error: Error) => logger.warn({ err: loggableError(error) }, "reconcile failed"));
  await reconcile();
  const timer = setInterval(reconcile, deps.config.RECONCILE_INTERVAL_SECONDS * 1000);
  timer.unref();
  return { reconcile, stop: () => clearInterval(timer) };
}

/**
 * Calls `rearm` each time `redis` is ready again after its connection was lost (not at the first
 * connection). Returns a function that stops listening. A failed re-arm is logged; the periodic
 * reconciler pass is still there behind it.
 */
function onRedisBack(redis: Redis, logger: Logger, rearm: () => Promise<void>): () => void {
  let lost = false;
  const onLost = () => {
    lost = true;
  };
  const onReady = () => {
    if (!lost) return;
    lost = false;
    rearm().catch((error: Error) => logger.warn({ err: loggableError(error) }, "re-arm failed"));
  };
  redis.on("close", onLost);
  redis.on("ready", onReady);
  return () => {
    redis.off("close", onLost);
    redis.off("ready", onReady);
  };
}
