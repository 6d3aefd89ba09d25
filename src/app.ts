/**
 * Builds the whole bot from a configuration: store, translations, flows, conversation core,
 * channels and HTTP routes. main.ts starts it; tests build it the same way with test settings,
 * so what they exercise is what runs in production.
 */

import type { Queue } from "bullmq";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import pg from "pg";
import { createTelegramSender, TELEGRAM_LIMITS } from "./channels/telegram/sender.ts";
import { createTelegramChannel, type TelegramChannel } from "./channels/telegram/telegram-channel.ts";
import type { ChannelName, ChannelSender } from "./channels/types.ts";
import { registerWebchat } from "./channels/webchat/webchat-routes.ts";
import { createWebchatSender } from "./channels/webchat/webchat-sender.ts";
import type { Config } from "./config.ts";
import { type ConversationService, createConversationService } from "./conversation/conversation-service.ts";
import { appointmentReminderHandler } from "./domain/appointments/reminder-handler.ts";
import { type BroadcastJobData, createBroadcastQueue } from "./domain/broadcasts/broadcast-queue.ts";
import { createBroadcastWorker, reconcileBroadcasts } from "./domain/broadcasts/broadcast-worker.ts";
import { checkInHandler } from "./domain/placements/checkins.ts";
import { startJobDigestSchedule } from "./domain/vacancies/job-digest-schedule.ts";
import { type FlowRegistry, loadFlows } from "./flows/flow-registry.ts";
import { registerHealthRoutes } from "./http/health-routes.ts";
import { createTranslator } from "./i18n/i18n.ts";
import { CLIENT_LOCALES, type Translator } from "./i18n/translator.ts";
import type { Logger } from "./logger.ts";
import { createOutboundSenders } from "./outbox/outbound-senders.ts";
import { createOutbox, type Outbox } from "./outbox/outbox.ts";
import { idleFlowHandler } from "./scheduling/idle-nudges.ts";
import { createNudgeQueue, type NudgeJobData } from "./scheduling/nudge-queue.ts";
import { createNudgeWorker } from "./scheduling/nudge-worker.ts";
import { reconcileNudges, reconcileOutbox } from "./scheduling/reconciler.ts";
import { createDb, type Db } from "./store/prisma.ts";
import { createRedis } from "./store/redis.ts";

export interface App {
  config: Config;
  http: FastifyInstance;
  db: Db;
  redis: Redis;
  translator: Translator;
  flows: FlowRegistry;
  conversations: ConversationService;
  telegram?: TelegramChannel;
  outbox: Outbox;
  nudgeQueue: Queue<NudgeJobData>;
  broadcastQueue: Queue<BroadcastJobData>;
  /** Starts channels that pull (Telegram polling) or register themselves (setWebhook). */
  startChannels(): Promise<void>;
  /**
   * Starts the queue workers (outbound, nudges) and the reconciler (at once and every
   * RECONCILE_INTERVAL_SECONDS; `reconcile: false` leaves it out, for tests sharing a database).
   */
  startWorkers(options?: { reconcile?: boolean }): Promise<void>;
  /** Stops channels, closes HTTP, Redis and Postgres connections. */
  close(): Promise<void>;
}

/** Assembles the bot. Throws FlowFileError for a broken flow file, before anything listens. */
export async function buildApp(config: Config, logger: Logger): Promise<App> {
  const translator = await createTranslator({
    localesDir: config.LOCALES_DIR,
    fallbackLocale: "en",
    timeZone: config.TZ_DEFAULT,
    logger,
  });
  const flows = await loadFlows(config.FLOWS_DIR, (key) =>
    CLIENT_LOCALES.every((locale) => translator.has(key, locale)),
  );
  const db = createDb(config.DATABASE_URL);
  const lockPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20 });
  lockPool.on("error", (error) => logger.warn({ err: error }, "idle lock connection failed"));
  // The outbound workers' hot path (src/outbox/send-claim.ts): plain SQL, its own connections.
  const sendPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
  sendPool.on("error", (error) => logger.warn({ err: error }, "idle send connection failed"));
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", (error) => logger.warn({ err: { message: error.message } }, "redis connection error"));

  const senders = new Map<ChannelName, ChannelSender>();
  const outbound = createOutboundSenders({
    db,
    sql: sendPool,
    redis,
    prefix: config.QUEUE_PREFIX,
    senders,
    logger,
    concurrency: config.OUTBOUND_CONCURRENCY,
  });
  const outbox = createOutbox({ db, queue: config.QUEUE_PREFIX, wake: outbound.wake });
  const nudgeQueue = createNudgeQueue(redis, config.QUEUE_PREFIX);
  const broadcastQueue = createBroadcastQueue(redis, config.QUEUE_PREFIX);
  const conversations = createConversationService({
    nudgeQueue,
    db,
    lockPool,
    translator,
    flows,
    replies: outbound,
    logger,
    timeZone: config.TZ_DEFAULT,
  });
  const onInbound = conversations.handleInbound;

  const http: FastifyInstance = Fastify({
    // Request logs only at warn: ids and paths are fine, but a busy bot needs no line per request.
    loggerInstance: logger.child({ component: "http" }, { level: "warn" }) as FastifyBaseLogger,
  });
  registerHealthRoutes(http, { db, redis });

  if (config.WEBCHAT_ENABLED) {
    senders.set("webchat", createWebchatSender());
    registerWebchat(http, { db, onInbound, translator, logger });
  }
  let telegram: TelegramChannel | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      mode: config.TELEGRAM_MODE,
      ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(config.PUBLIC_URL && config.TELEGRAM_MODE === "webhook"
        ? { webhookUrl: new URL("/telegram/webhook", config.PUBLIC_URL).toString() }
        : {}),
      onInbound,
      logger,
      translator,
    });
    senders.set(
      "telegram",
      createTelegramSender(config.TELEGRAM_BOT_TOKEN, {
        apiRoot: config.TELEGRAM_API_ROOT,
        // TELEGRAM_RATE_PER_SECOND and TELEGRAM_CHAT_GAP_MS (0: no per-chat limit) adjust the defaults.
        limits: TELEGRAM_LIMITS.flatMap((limit) =>
          limit.per === "bot"
            ? [{ ...limit, limit: config.TELEGRAM_RATE_PER_SECOND }]
            : config.TELEGRAM_CHAT_GAP_MS
              ? [{ ...limit, windowMs: config.TELEGRAM_CHAT_GAP_MS }]
              : [],
        ),
      }),
    );
    if (config.TELEGRAM_MODE === "webhook") telegram.registerWebhook(http);
  }

  const stops: (() => Promise<void>)[] = [];
  const startWorkers = async (options: { reconcile?: boolean } = {}) => {
    outbound.start();
    const nudges = createNudgeWorker({
      db,
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      translator,
      outbox,
      logger,
      handlers: {
        appointment_reminder: appointmentReminderHandler(config.TZ_DEFAULT),
        checkin: checkInHandler(),
        idle_flow: idleFlowHandler(flows, (now) => ({
          now,
          timeZone: config.TZ_DEFAULT,
          locales: CLIENT_LOCALES,
        })),
      },
    });
    const digests = await startJobDigestSchedule({
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      db,
      translator,
      outbox,
      logger,
      timeZone: config.TZ_DEFAULT,
    });
    const broadcasts = createBroadcastWorker({
      db,
      outbox,
      translator,
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      logger,
    });
    const reconcile = () =>
      Promise.all([
        reconcileNudges(db, nudgeQueue, logger),
        reconcileOutbox(sendPool, config.QUEUE_PREFIX),
        reconcileBroadcasts(db, broadcastQueue),
      ]).catch((error: Error) => logger.warn({ err: { message: error.message } }, "reconcile failed"));
    let timer: NodeJS.Timeout | undefined;
    if (options.reconcile !== false) {
      await reconcile();
      timer = setInterval(reconcile, config.RECONCILE_INTERVAL_SECONDS * 1000);
      timer.unref();
    }
    stops.push(async () => {
      if (timer) clearInterval(timer);
      await Promise.all([nudges.close(), broadcasts.close(), digests.close()]);
    });
  };

  return {
    config,
    http,
    db,
    redis,
    translator,
    flows,
    conversations,
    outbox,
    nudgeQueue,
    broadcastQueue,
    ...(telegram ? { telegram } : {}),
    async startChannels() {
      await telegram?.start();
    },
    startWorkers,
    async close() {
      await telegram?.stop();
      for (const stop of stops) await stop();
      await outbound.close();
      await outbox.close();
      await nudgeQueue.close();
      await broadcastQueue.close();
      await http.close();
      redis.disconnect();
      await lockPool.end();
      await sendPool.end();
      await db.$disconnect();
    },
  };
}
