/**
 * Builds the whole bot from a configuration: store, translations, flows, conversation core,
 * channels and HTTP routes. main.ts starts it; tests build it the same way with test settings,
 * so what they exercise is what runs in production. The parts: app/stores.ts (connections),
 * app/channels.ts (HTTP and channels), app/workers.ts (queue workers and the reconciler).
 */

import type { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { API_MODULES } from "./api/api-modules.ts";
import { registerApi } from "./api/api-plugin.ts";
import { buildChannels } from "./app/channels.ts";
import { openStores, type Stores } from "./app/stores.ts";
import { startAppWorkers } from "./app/workers.ts";
import type { TelegramChannel } from "./channels/telegram/telegram-channel.ts";
import type { ChannelName, ChannelSender } from "./channels/types.ts";
import type { Config } from "./config.ts";
import { baseUrlOf, type ConsoleContext } from "./console/console-context.ts";
import { CONSOLE_PAGES } from "./console/console-pages.ts";
import { registerConsole } from "./console/console-plugin.ts";
import { type ConversationService, createConversationService } from "./conversation/conversation-service.ts";
import { afterTurn, createTurnRegistry } from "./conversation/turn-registry.ts";
import { type BroadcastJobData, createBroadcastQueue } from "./domain/broadcasts/broadcast-queue.ts";
import { staffTeamsFirst } from "./domain/staff/teams-inbound.ts";
import { domainTurns } from "./domain/turn-handlers.ts";
import { voiceKeys } from "./domain/voice/voice-keys.ts";
import { type FlowRegistry, loadFlows } from "./flows/flow-registry.ts";
import { cleanInputsUnder } from "./http/clean-input.ts";
import type { Readiness } from "./http/readiness.ts";
import { createTranslator } from "./i18n/i18n.ts";
import { CLIENT_LOCALES, type Translator } from "./i18n/translator.ts";
import { type Logger, loggableError } from "./logger.ts";
import { createOutboundSenders, type OutboundSenders } from "./outbox/outbound-senders.ts";
import { createOutbox, type Outbox } from "./outbox/outbox.ts";
import { idleNudgesAfterTurn } from "./scheduling/idle-nudges.ts";
import { createNudgeQueue, type NudgeJobData } from "./scheduling/nudge-queue.ts";
import type { Db } from "./store/prisma.ts";

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
  /** Whether Postgres and Redis answer (the doors answer 503 at once while not). */
  readiness: Readiness;
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
  const { translator, flows } = await loadContent(config, logger);
  const stores = openStores(config, logger);
  const { db, redis } = stores;
  // Every channel's sender, used only by the outbox (turn replies included).
  const senders = new Map<ChannelName, ChannelSender>();
  const outbound = createOutboundSenders({
    db,
    sql: stores.sendPool,
    redis,
    prefix: config.QUEUE_PREFIX,
    senders,
    logger,
    concurrency: config.OUTBOUND_CONCURRENCY,
    backoffMs: config.OUTBOUND_RETRY_MS,
  });
  const outbox = createOutbox({ db, queue: config.QUEUE_PREFIX, wake: outbound.wake });
  const nudgeQueue = createNudgeQueue(redis, config.QUEUE_PREFIX);
  const broadcastQueue = createBroadcastQueue(redis, config.QUEUE_PREFIX);
  for (const queue of [nudgeQueue, broadcastQueue])
    queue.on("error", (error) => logger.warn({ err: loggableError(error) }, "queue error"));
  const conversations = createConversations({
    config,
    logger,
    stores,
    translator,
    flows,
    nudgeQueue,
    outbound,
    outbox,
  });
  const { http, telegram } = buildChannels({
    config,
    logger,
    db,
    redis,
    readiness: stores.readiness,
    translator,
    onInbound: conversations.handleInbound,
    senders,
    flows,
  });
  await registerStaffDoors(http, {
    db,
    redis,
    translator,
    config,
    logger,
    outbox,
    farewell: outbound,
    pgListen: stores.pgListen,
    nudgeQueue,
    broadcastQueue,
    flows,
  });
  return withLifecycle(
    { config, http, db, redis, translator, flows, conversations, outbox, nudgeQueue, broadcastQueue },
    { stores, outbound, logger, ...(telegram ? { telegram } : {}) },
  );
}

/** The staff's doors over the same services: the console, then the JSON API (which uses its context). */
async function registerStaffDoors(
  http: FastifyInstance,
  deps: Omit<ConsoleContext, "baseUrl" | "secureCookies" | "voiceKeys">,
): Promise<void> {
  const baseUrl = baseUrlOf(deps.config);
  cleanInputsUnder(http, ["/console", "/api/v1/"]);
  await registerConsole(
    http,
    { ...deps, baseUrl, secureCookies: baseUrl.startsWith("https:"), voiceKeys: voiceKeys(deps.flows) },
    { queuePrefix: deps.config.QUEUE_PREFIX, pages: CONSOLE_PAGES },
  );
  registerApi(http, API_MODULES);
}

/** Translations and flows; a flow may name only keys that exist in every client language. */
async function loadContent(
  config: Config,
  logger: Logger,
): Promise<{ translator: Translator; flows: FlowRegistry }> {
  const translator = await createTranslator({
    localesDir: config.LOCALES_DIR,
    fallbackLocale: "en",
    timeZone: config.TZ_DEFAULT,
    logger,
  });
  const flows = await loadFlows(config.FLOWS_DIR, (key) =>
    CLIENT_LOCALES.every((locale) => translator.has(key, locale)),
  );
  return { translator, flows };
}

/**
 * The conversation core with every domain's turn handlers registered, behind the staff side's
 * door: a staff member's Teams code or chat never reaches the core (domain/staff/teams-inbound.ts).
 */
function createConversations(deps: {
  config: Config;
  logger: Logger;
  stores: Stores;
  translator: Translator;
  flows: FlowRegistry;
  nudgeQueue: Queue<NudgeJobData>;
  outbound: OutboundSenders;
  outbox: Outbox;
}): ConversationService {
  const { config, stores, nudgeQueue } = deps;
  const turns = createTurnRegistry([
    ...domainTurns({ db: stores.db, queue: nudgeQueue, timeZone: config.TZ_DEFAULT }),
    afterTurn(idleNudgesAfterTurn(nudgeQueue, config.TZ_DEFAULT)),
  ]);
  const core = createConversationService({
    turns,
    db: stores.db,
    lockPool: stores.lockPool,
    translator: deps.translator,
    flows: deps.flows,
    replies: deps.outbound,
    logger: deps.logger,
    timeZone: config.TZ_DEFAULT,
  });
  const { outbox, translator, logger } = deps;
  const staffSide = {
    db: stores.db,
    outbox,
    translator,
    logger,
    baseUrl: baseUrlOf(config),
    queue: config.QUEUE_PREFIX,
  };
  return { handleInbound: staffTeamsFirst(staffSide, core.handleInbound) };
}

type AppParts = Omit<App, "telegram" | "readiness" | "startChannels" | "startWorkers" | "close">;

/** The built parts with start and stop: channels, workers, then every connection closed in order. */
function withLifecycle(
  parts: AppParts,
  held: { stores: Stores; outbound: OutboundSenders; logger: Logger; telegram?: TelegramChannel },
): App {
  const { stores, outbound, logger, telegram } = held;
  const { config, translator, flows, outbox, nudgeQueue, broadcastQueue, http } = parts;
  const workerDeps = {
    ...stores,
    config,
    logger,
    translator,
    flows,
    outbox,
    outbound,
    nudgeQueue,
    broadcastQueue,
  };
  const stops: (() => Promise<void>)[] = [];
  return {
    ...parts,
    readiness: stores.readiness,
    ...(telegram ? { telegram } : {}),
    async startChannels() {
      await telegram?.start();
    },
    async startWorkers(options = {}) {
      stops.push(await startAppWorkers(workerDeps, options));
    },
    async close() {
      await telegram?.stop();
      for (const stop of stops) await stop();
      await outbound.close();
      await outbox.close();
      await nudgeQueue.close();
      await broadcastQueue.close();
      await http.close();
      await stores.close();
    },
  };
}
