/**
 * The real app (src/app.ts) built with test settings: this run's database, the local Redis,
 * and Telegram pointed at a fake Bot API server in webhook mode. Tests drive it over HTTP.
 */
import type { LightMyRequestResponse } from "fastify";
import { type App, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "./env.ts";
import type { FakeTelegram, PushedUpdate } from "./fake-telegram.ts";
import { removeKeys, testPrefix } from "./redis-keys.ts";

export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";

/** Builds the app; with `telegram`, the Telegram channel talks to that fake server. */
export async function startTestApp(
  options: { telegram?: FakeTelegram; env?: Record<string, string> } = {},
): Promise<App> {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // Each app its own queues, so test files running side by side never take each other's jobs.
    QUEUE_PREFIX: testPrefix(),
    ...(options.telegram
      ? {
          TELEGRAM_BOT_TOKEN: options.telegram.token,
          TELEGRAM_API_ROOT: options.telegram.apiRoot,
          TELEGRAM_MODE: "webhook",
          TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
          // A turn's replies keep to the per-chat limit; a short one keeps multi-reply turns quick.
          TELEGRAM_CHAT_GAP_MS: "50",
        }
      : {}),
    ...options.env,
  });
  const app = await buildApp(config, createLogger(config.LOG_LEVEL));
  await app.http.ready();
  const close = app.close.bind(app);
  app.close = async () => {
    try {
      await close();
    } finally {
      // Leave nothing behind in the shared Redis: this app's queues, pacers and rate-limit counters.
      await removeKeys(config.QUEUE_PREFIX, config.REDIS_URL);
    }
  };
  return app;
}

let updateId = 1_000;

/** Posts an update to the app's Telegram webhook, as Telegram would. */
export async function postUpdate(
  app: App,
  update: PushedUpdate,
  secret = WEBHOOK_SECRET,
): Promise<LightMyRequestResponse> {
  const response = await app.http.inject({
    method: "POST",
    url: "/telegram/webhook",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    payload: { update_id: updateId++, ...update },
  });
  const { TELEGRAM_API_ROOT: apiRoot, TELEGRAM_BOT_TOKEN: token } = app.config;
  if (token) await relayWebhookReply(apiRoot, token, response.statusCode, response.body);
  return response;
}

/**
 * What Telegram does with a webhook's 200 that names a `method` (a "webhook reply"): calls it, as
 * if the bot had. Tests post updates themselves, so they play Telegram's part, against the fake.
 */
export async function relayWebhookReply(apiRoot: string, token: string, status: number, body: string) {
  if (status !== 200 || !body.startsWith("{")) return;
  const { method, ...payload } = JSON.parse(body) as { method?: unknown };
  if (typeof method !== "string") return;
  await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
}
