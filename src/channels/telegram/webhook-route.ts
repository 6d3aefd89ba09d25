/**
 * `POST /telegram/webhook`: where Telegram delivers updates in webhook mode. The secret header is
 * checked before the body is read (a refused request is logged at most once a minute); the body
 * is read with a size and a nesting bound; an update we cannot use is acknowledged (200) by the
 * parse middleware. Only our own outage answers 5xx — 503, so Telegram delivers it again (the
 * core dedupes by externalMessageId): at once while Postgres or Redis is known to be down, and
 * after HANDLE_TIMEOUT_MS when a turn waits on one that went away while it ran. A handled tap's
 * answer (answerCallbackQuery) is the body of the 200 — Telegram's "webhook reply" — instead of a
 * request of its own: one request fewer per tap, and never sent for an update answered 503.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyError, FastifyInstance } from "fastify";
import { type Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logger.ts";
import { throttledWarn } from "../../throttled-log.ts";
import { jsonDepthExceeds } from "../json-depth.ts";
import { errorSummary } from "./errors.ts";
import { createPoisonGuard } from "./poison-guard.ts";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";
/** Largest update body read (Telegram's are a few kB; a 4,096-character text fits many times). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Deepest JSON nesting read; Telegram's updates nest about 6 deep. */
export const WEBHOOK_MAX_DEPTH = 32;
/** A turn that takes longer is answered 503 (it goes on; the redelivery is then a replay). */
export const HANDLE_TIMEOUT_MS = 8000;

export interface TelegramWebhookOptions {
  bot: Bot;
  /** TELEGRAM_WEBHOOK_SECRET, also given to setWebhook as secret_token. */
  secret: string;
  logger: Logger;
  /** False while Postgres or Redis is down: the webhook answers 503 without trying. */
  ready?: () => boolean;
  /** Default HANDLE_TIMEOUT_MS. */
  handleTimeoutMs?: number;
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

const TIMED_OUT = Symbol("timed out");

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Adds the webhook route to `app`. Call before `app.listen()`. */
export function registerTelegramWebhook(app: FastifyInstance, options: TelegramWebhookOptions): void {
  const { bot, secret, logger } = options;
  const ready = options.ready ?? (() => true);
  const timeoutMs = options.handleTimeoutMs ?? HANDLE_TIMEOUT_MS;
  const warnRefused = throttledWarn(logger, "telegram webhook: wrong or missing secret token");
  const guard = createPoisonGuard();
  app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
      const text = body as string;
      if (jsonDepthExceeds(text, WEBHOOK_MAX_DEPTH)) {
        done(Object.assign(new Error("JSON nested too deep"), { statusCode: 400 }), undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error("malformed JSON"), { statusCode: 400 }), undefined);
      }
    });
    scope.post(TELEGRAM_WEBHOOK_PATH, {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      onRequest: async (request, reply) => {
        if (!secretMatches(request.headers[SECRET_HEADER], secret)) {
          warnRefused({ ip: request.ip });
          return reply.code(401).send({ error: "wrong or missing secret token" });
        }
        if (!ready()) return reply.code(503).send({ error: "not ready; deliver again later" });
      },
      errorHandler: (error: FastifyError, _request, reply) => {
        const status = error.statusCode ?? 500;
        if (status === 400 || status === 415) {
          return reply.code(400).send({ error: "malformed body: expected a JSON Telegram update" });
        }
        if (status < 500) return reply.code(status).send({ error: error.message });
        logger.error({ err: errorSummary(error) }, "telegram webhook failed");
        return reply.code(503).send({ error: "internal error" });
      },
      handler: async (request, reply) => {
        if (!isUpdate(request.body)) {
          return reply
            .code(400)
            .send({ error: "malformed body: expected an object with a numeric update_id" });
        }
        const updateId = request.body.update_id;
        let webhookReply: string | undefined; // grammY's envelope: the one call allowed to ride on the 200
        const envelope = {
          send: async (payload: string) => {
            webhookReply = payload;
          },
        };
        const handling = bot.init().then(() => bot.handleUpdate(request.body as Update, envelope));
        const ok = () =>
          webhookReply ? reply.code(200).type("application/json").send(webhookReply) : reply.code(200).send();
        let answered = false;
        // The turn keeps an owner when we stop waiting for it: a late failure is logged.
        handling.catch((error: unknown) => {
          const cause = error instanceof BotError ? error.error : error;
          if (answered) logger.error({ updateId, err: errorSummary(cause) }, "telegram update failed late");
        });
        try {
          if ((await within(handling, timeoutMs)) === TIMED_OUT) {
            answered = true;
            logger.warn({ updateId }, "telegram update still running; answered 503");
            return reply.code(503).send({ error: "update not handled yet" });
          }
        } catch (error) {
          const cause = error instanceof BotError ? error.error : error;
          if (ready() && guard.failedTooOften(updateId)) {
            logger.error(
              { updateId, err: errorSummary(cause) },
              "telegram update dropped after repeated failures",
            );
            return ok();
          }
          logger.error(
            { updateId, err: errorSummary(cause) },
            "telegram update not handled; Telegram will retry",
          );
          return reply.code(503).send({ error: "update not handled" });
        }
        guard.forget(updateId);
        return ok();
      },
    });
  });
}
