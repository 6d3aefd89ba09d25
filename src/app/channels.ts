/**
 * The HTTP server and the channels on it: health routes, the web chat, Telegram (webhook or
 * polling), Teams (POST /api/messages). Each channel adds its sender, which only the outbox calls
 * (turn replies included).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { createTeamsChannel } from "../channels/teams/teams-channel.ts";
import { createTelegramSender, TELEGRAM_LIMITS } from "../channels/telegram/sender.ts";
import { createTelegramChannel, type TelegramChannel } from "../channels/telegram/telegram-channel.ts";
import type { ChannelName, ChannelSender, InboundHandler, RateLimit } from "../channels/types.ts";
import { registerWebchat } from "../channels/webchat/webchat-routes.ts";
import { createWebchatSender } from "../channels/webchat/webchat-sender.ts";
import type { Config } from "../config.ts";
import { telegramVoiceNotes } from "../domain/voice/voice-recordings.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import { registerHealthRoutes } from "../http/health-routes.ts";
import type { Readiness } from "../http/readiness.ts";
import type { Translator } from "../i18n/translator.ts";
import { HTTP_LOG_SERIALIZERS, type Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";

export interface ChannelDeps {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
  readiness: Readiness;
  translator: Translator;
  onInbound: InboundHandler;
  /** Filled here, read by the outbox's senders. */
  senders: Map<ChannelName, ChannelSender>;
  /** The flows (the web chat tells their buttons from other buttons by step id). */
  flows?: FlowRegistry;
}

/** Every step id of every flow, current and archived versions. */
function flowStepIds(flows: FlowRegistry): (stepId: string) => boolean {
  const ids = new Set<string>();
  for (const id of flows.ids) {
    for (let version = 1; version <= flows.latest(id).version; version++) {
      for (const step of flows.version(id, version)?.steps ?? []) ids.add(step.id);
    }
  }
  return (stepId) => ids.has(stepId);
}

export interface Channels {
  http: FastifyInstance;
  telegram?: TelegramChannel;
}

/** Builds the HTTP server with every configured channel registered on it. */
export function buildChannels(deps: ChannelDeps): Channels {
  const { config, db, redis, translator, logger, onInbound } = deps;
  const http: FastifyInstance = Fastify({
    // Request logs only at warn: ids and paths are fine, but a busy bot needs no line per request.
    // Its own error lines carry only an error's name and message, and no query string (logger.ts).
    loggerInstance: logger.child(
      { component: "http" },
      { level: "warn", serializers: HTTP_LOG_SERIALIZERS },
    ) as FastifyBaseLogger,
  });
  registerHealthRoutes(http, { db, redis });
  if (config.WEBCHAT_ENABLED) {
    deps.senders.set("webchat", createWebchatSender());
    registerWebchat(http, {
      db,
      onInbound,
      translator,
      logger,
      ready: deps.readiness.ready,
      redis,
      prefix: config.QUEUE_PREFIX,
      ...(deps.flows ? { isFlowStep: flowStepIds(deps.flows) } : {}),
    });
  }
  const telegram = config.TELEGRAM_BOT_TOKEN ? addTelegram(http, config.TELEGRAM_BOT_TOKEN, deps) : undefined;
  // Without an app id botbuilder turns authentication off: then the route must not exist (404).
  if (config.MICROSOFT_APP_ID && config.MICROSOFT_APP_PASSWORD) {
    addTeams(http, config.MICROSOFT_APP_ID, config.MICROSOFT_APP_PASSWORD, deps);
  }
  return { http, ...(telegram ? { telegram } : {}) };
}

function addTelegram(http: FastifyInstance, token: string, deps: ChannelDeps): TelegramChannel {
  const { config, logger, onInbound, translator } = deps;
  const telegram = createTelegramChannel({
    token,
    apiRoot: config.TELEGRAM_API_ROOT,
    mode: config.TELEGRAM_MODE,
    ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
    ...(config.PUBLIC_URL && config.TELEGRAM_MODE === "webhook"
      ? { webhookUrl: new URL("/telegram/webhook", config.PUBLIC_URL).toString() }
      : {}),
    onInbound,
    logger,
    translator,
    ready: deps.readiness.ready,
  });
  deps.senders.set(
    "telegram",
    createTelegramSender(token, {
      apiRoot: config.TELEGRAM_API_ROOT,
      limits: telegramLimits(config),
      voiceNotes: telegramVoiceNotes(deps.db),
    }),
  );
  if (config.TELEGRAM_MODE === "webhook") telegram.registerWebhook(http);
  return telegram;
}

/**
 * Telegram's limits with TELEGRAM_RATE_PER_SECOND, and TELEGRAM_CHAT_GAP_MS as a chat's average gap
 * (bursts of TELEGRAM_CHAT_BURST; 0: no per-chat limit).
 */
function telegramLimits(config: Config): RateLimit[] {
  return TELEGRAM_LIMITS.flatMap((limit) => {
    if (limit.per === "bot") return [{ ...limit, limit: config.TELEGRAM_RATE_PER_SECOND }];
    const gap = config.TELEGRAM_CHAT_GAP_MS;
    return gap ? [{ ...limit, windowMs: limit.limit * gap }] : [];
  });
}

function addTeams(http: FastifyInstance, appId: string, appPassword: string, deps: ChannelDeps): void {
  const { config } = deps;
  const teams = createTeamsChannel({
    appId,
    appPassword,
    ...(config.MICROSOFT_APP_TENANT_ID ? { tenantId: config.MICROSOFT_APP_TENANT_ID } : {}),
    appType: config.MICROSOFT_APP_TYPE === "SingleTenant" ? "SingleTenant" : "MultiTenant",
    ...(config.TEAMS_OPENID_METADATA_URL ? { openIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL } : {}),
    ...(config.TEAMS_TOKEN_ISSUER ? { tokenIssuer: config.TEAMS_TOKEN_ISSUER } : {}),
    ...(config.TEAMS_LOGIN_URL ? { loginUrl: config.TEAMS_LOGIN_URL } : {}),
    db: deps.db,
    onInbound: deps.onInbound,
    logger: deps.logger,
  });
  deps.senders.set("teams", teams.sender);
  teams.registerRoute(http);
}
