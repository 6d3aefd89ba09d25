/**
 * `POST /telegram/webhook`: where Telegram delivers updates in webhook mode. The secret header is
 * checked before the body is read; a malformed body is a 400; an update the core failed to
 * handle is a 500, so Telegram delivers it again (the core dedupes by externalMessageId).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyError, FastifyInstance } from "fastify";
import { type Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logger.ts";
import { errorSummary } from "./errors.ts";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface TelegramWebhookOptions {
  bot: Bot;
  /** TELEGRAM_WEBHOOK_SECRET, also given to setWebhook as secret_token. */
  secret: string;
  logger: Logger;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Constant-time comparison of the header with the secret (hashing first evens out the lengths). */
export function secretMatches(header: unknown, secret: string): boolean {
  if (typeof header !== "string") return false;
  return timingSafeEqual(digest(header), digest(secret));
}

/** Whether a parsed body looks like a Telegram update (an object with a numeric update_id). */
export function isUpdate(body: unknown): body is Update {
  return (
    typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id)
  );
}

/** Adds the webhook route to `app`. Call before `app.listen()`. */
export function registerTelegramWebhook(app: FastifyInstance, options: TelegramWebhookOptions): void {
  const { bot, secret, logger } = options;
  app.post(TELEGRAM_WEBHOOK_PATH, {
    onRequest: async (request, reply) => {
      if (!secretMatches(request.headers[SECRET_HEADER], secret)) {
        logger.warn({ ip: request.ip }, "telegram webhook: wrong or missing secret token");
        return reply.code(401).send({ error: "wrong or missing secret token" });
      }
    },
    errorHandler: (error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 400 || status === 415) {
        return reply.code(400).send({ error: "malformed body: expected a JSON Telegram update" });
      }
      if (status < 500) return reply.code(status).send({ error: error.message });
      logger.error({ err: errorSummary(error) }, "telegram webhook failed");
      return reply.code(500).send({ error: "internal error" });
    },
    handler: async (request, reply) => {
      if (!isUpdate(request.body)) {
        return reply.code(400).send({ error: "malformed body: expected an object with a numeric update_id" });
      }
      const updateId = request.body.update_id;
      try {
        await bot.init();
        await bot.handleUpdate(request.body);
      } catch (error) {
        const cause = error instanceof BotError ? error.error : error;
        logger.error(
          { updateId, err: errorSummary(cause) },
          "telegram update not handled; Telegram will retry",
        );
        return reply.code(500).send({ error: "update not handled" });
      }
      return reply.code(200).send();
    },
  });
}
