/**
 * Builds the whole bot from a configuration: store, translations, flows, conversation core,
 * channels and HTTP routes. main.ts starts it; tests build it the same way with test settings,
 * so what they exercise is what runs in production.
 */

import type { Queue } from "bullmq";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import pg from "pg";
import { createTeamsChannel } from "./channels/teams/teams-channel.ts";
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
import { createOutboundWorkers } from "./outbox/outbound-worker.ts";
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
  const outboxSenders = new Map<ChannelName, ChannelSender>();
  const outbox = createOutbox({ db, connection: redis, prefix: config.QUEUE_PREFIX });
  const nudgeQueue = createNudgeQueue(redis, config.QUEUE_PREFIX);
  const broadcastQueue = createBroadcastQueue(redis, config.QUEUE_PREFIX);
  const conversations = createConversationService({
    nudgeQueue,
    db,
    lockPool,
    translator,
    flows,
    senders,
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
    outboxSenders.set("webchat", createWebchatSender());
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
    senders.set("telegram", telegram.sender);
    // The outbox retries itself (a 429 pauses the whole channel, 5xx back off in the queue), so
    // its sender makes one call per attempt instead of waiting inside a worker slot.
    outboxSenders.set(
      "telegram",
      createTelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        mode: "webhook",
        webhookSecret: "outbox-sender-only-never-listens",
        onInbound,
        logger,
        retry: { maxAttempts: 0, maxDelaySeconds: 0, retryServerErrors: false },
      }).sender,
    );
    if (config.TELEGRAM_MODE === "webhook") telegram.registerWebhook(http);
  }

  if (config.MICROSOFT_APP_ID && config.MICROSOFT_APP_PASSWORD) {
    // Without an app id botbuilder turns authentication off: then the route does not exist (404).
    const teams = createTeamsChannel({
      appId: config.MICROSOFT_APP_ID,
      appPassword: config.MICROSOFT_APP_PASSWORD,
      ...(config.MICROSOFT_APP_TENANT_ID ? { tenantId: config.MICROSOFT_APP_TENANT_ID } : {}),
      appType: config.MICROSOFT_APP_TYPE === "SingleTenant" ? "SingleTenant" : "MultiTenant",
      ...(config.TEAMS_OPENID_METADATA_URL ? { openIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL } : {}),
      ...(config.TEAMS_TOKEN_ISSUER ? { tokenIssuer: config.TEAMS_TOKEN_ISSUER } : {}),
      ...(config.TEAMS_LOGIN_URL ? { loginUrl: config.TEAMS_LOGIN_URL } : {}),
      db,
      onInbound,
      logger,
    });
    senders.set("teams", teams.sender);
    outboxSenders.set("teams", teams.sender);
    teams.registerRoute(http);
  }

  const stops: (() => Promise<void>)[] = [];
  const startWorkers = async (options: { reconcile?: boolean } = {}) => {
    const outbound = createOutboundWorkers({
      db,
      sql: sendPool,
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      senders: outboxSenders,
      logger,
      outbox,
      concurrency: config.OUTBOUND_CONCURRENCY,
      limits: {
        telegram: {
          perSecond: config.TELEGRAM_RATE_PER_SECOND,
          perChatGapMs: config.TELEGRAM_CHAT_GAP_MS,
          paidPerSecond: config.TELEGRAM_PAID_BROADCAST_RATE,
        },
      },
    });
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
        reconcileOutbox(db, outbox),
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
      await Promise.all([outbound.close(), nudges.close(), broadcasts.close(), digests.close()]);
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
