/**
 * The Telegram channel's incoming half: a grammY bot with auto-retry, our inbound middleware,
 * and either a webhook route (fastify) or long polling (@grammyjs/runner). Nothing else in the
 * code outside src/channels/telegram/ imports grammY.
 */
import http from "node:http";
import https from "node:https";
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import type { FastifyInstance } from "fastify";
import { Bot, type BotError } from "grammy";
import type { Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import type { InboundHandler } from "../types.ts";
import { registerCommands } from "./commands.ts";
import { errorSummary } from "./errors.ts";
import { chatKeyOf, createInboundMiddleware, createParseMiddleware } from "./inbound.ts";
import { IDLE_SOCKET_MS } from "./sender.ts";
import type { TypingOptions } from "./typing.ts";
import { ALLOWED_UPDATES } from "./updates.ts";
import { registerTelegramWebhook } from "./webhook-route.ts";

/** How failed Bot API calls are retried before they surface (as SendError for sends). */
export interface TelegramRetryOptions {
  /** Retries per call after a 429 or a 5xx. Default 2. */
  maxAttempts?: number;
  /** A 429 asking to wait longer than this is not waited for: it surfaces as rate_limited. Default 5. */
  maxDelaySeconds?: number;
  /** Retry 5xx answers (backing off 3 s, 6 s, …). Default true. */
  retryServerErrors?: boolean;
}

export const DEFAULT_TELEGRAM_RETRY: Required<TelegramRetryOptions> = {
  maxAttempts: 2,
  maxDelaySeconds: 5,
  retryServerErrors: true,
};

export interface TelegramChannelOptions {
  /** TELEGRAM_BOT_TOKEN. */
  token: string;
  /** TELEGRAM_API_ROOT; default the official https://api.telegram.org. */
  apiRoot?: string;
  /** TELEGRAM_MODE: updates pushed to our webhook, or fetched by long polling. */
  mode: "webhook" | "polling";
  /** TELEGRAM_WEBHOOK_SECRET; required in webhook mode. */
  webhookSecret?: string;
  /** Public URL of the webhook (PUBLIC_URL + /telegram/webhook); when set, start() calls setWebhook. */
  webhookUrl?: string;
  /**
   * Receives every normalised message; may throw: the webhook then answers 503 for Telegram to
   * deliver again (200 and a log line after repeated failures: poison-guard.ts), polling logs.
   */
  onInbound: InboundHandler;
  logger: Logger;
  /** For the command menu (setMyCommands); without it the menu is left as it is. */
  translator?: Translator;
  retry?: TelegramRetryOptions;
  /** Idle keep-alive connections are closed after this long (ms); default IDLE_SOCKET_MS. */
  idleSocketMs?: number;
  /** Whether Postgres and Redis answer; the webhook answers 503 at once while they do not. */
  ready?: () => boolean;
  /** When "typing…" shows while a turn runs (default after 1 s, renewed every 4 s). */
  typing?: TypingOptions;
}

export interface TelegramChannel {
  /** The grammY bot, for tests and for what this module does not cover. */
  readonly bot: Bot;
  /** Checks the token (getMe), sets the command menu, then starts polling or sets the webhook. */
  start(): Promise<void>;
  /** Stops polling (waits for updates in progress); nothing to do in webhook mode. */
  stop(): Promise<void>;
  /** Adds POST /telegram/webhook to `app` (webhook mode). */
  registerWebhook(app: FastifyInstance): void;
}

/** Builds the Telegram channel; nothing touches the network until start() or the first send. */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { mode, logger } = options;
  const log = logger.child({ channel: "telegram" });
  if (mode === "webhook" && !options.webhookSecret)
    throw new Error("Telegram webhook mode needs a webhook secret");
  const retry = { ...DEFAULT_TELEGRAM_RETRY, ...options.retry };
  const apiRoot = options.apiRoot ?? "https://api.telegram.org";
  // grammY's own default is the same agent without a timeout. The agent's timeout closes only
  // idle connections: a request waiting for its answer (a long poll) is not cut.
  const agentOptions = { keepAlive: true, timeout: options.idleSocketMs ?? IDLE_SOCKET_MS };
  const agent = apiRoot.startsWith("http:") ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
  // In webhook mode a tap's answer (answerCallbackQuery) rides on the webhook's 200 (webhook-route.ts).
  const canUseWebhookReply = (method: string) => method === "answerCallbackQuery";
  const client = { apiRoot, baseFetchConfig: { agent, compress: true }, canUseWebhookReply };
  const bot = new Bot(options.token, { client });
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: retry.maxAttempts,
      maxDelaySeconds: retry.maxDelaySeconds,
      rethrowInternalServerErrors: !retry.retryServerErrors,
      // Without this auto-retry retries network errors forever; the outbox retries instead.
      rethrowHttpErrors: true,
    }),
  );
  // The door first: nothing below it (sequentialize included) reads the raw update.
  bot.use(createParseMiddleware(log));
  bot.use(sequentialize(chatKeyOf));
  bot.use(
    createInboundMiddleware({
      onInbound: options.onInbound,
      logger: log,
      ...(options.typing ? { typing: options.typing } : {}),
    }),
  );
  bot.catch((error: BotError) => {
    log.error(
      { updateId: error.ctx.update.update_id, err: errorSummary(error.error) },
      "telegram update failed",
    );
  });

  let runner: RunnerHandle | undefined;

  async function start() {
    try {
      await bot.init();
    } catch (error) {
      throw new Error(
        `Telegram getMe failed (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT): ${String(error)}`,
      );
    }
    if (options.translator) await registerCommands(bot.api, options.translator, log);
    if (mode === "polling") {
      await bot.api.deleteWebhook().catch((error) => {
        log.error({ err: errorSummary(error) }, "telegram deleteWebhook failed; polling may conflict");
      });
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      runner.task()?.catch((error) => log.error({ err: errorSummary(error) }, "telegram polling stopped"));
    } else if (options.webhookUrl) {
      await bot.api
        .setWebhook(options.webhookUrl, {
          secret_token: options.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
        })
        .catch((error) => log.error({ err: errorSummary(error) }, "telegram setWebhook failed"));
    }
    log.info({ mode, botId: bot.botInfo.id }, "telegram channel started");
  }

  async function stop() {
    const current = runner;
    runner = undefined;
    if (current) await current.stop();
  }

  return {
    bot,
    start,
    stop,
    registerWebhook(app) {
      if (!options.webhookSecret) throw new Error("Telegram webhook route needs a webhook secret");
      registerTelegramWebhook(app, {
        bot,
        secret: options.webhookSecret,
        logger: log,
        ...(options.ready ? { ready: options.ready } : {}),
      });
    },
  };
}
