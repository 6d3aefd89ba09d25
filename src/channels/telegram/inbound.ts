/**
 * The middleware between grammY and the conversation core. A button tap is answered (the
 * client's spinner stops) and its keyboard removed before the core sees it, so a choice cannot be
 * tapped twice. Updates we do not handle are acknowledged and dropped. Errors from `onInbound`
 * propagate: the webhook answers 500 so Telegram redelivers, polling logs them (bot.catch).
 */
import type { Api, Context, MiddlewareFn } from "grammy";
import type { CallbackQuery } from "grammy/types";
import type { Logger } from "../../logger.ts";
import type { InboundHandler } from "../types.ts";
import { errorSummary } from "./errors.ts";
import { toInboundMessage } from "./updates.ts";

export interface InboundMiddlewareOptions {
  onInbound: InboundHandler;
  logger: Logger;
}

/** Creates the middleware that normalises each update and hands it to `onInbound`. */
export function createInboundMiddleware(options: InboundMiddlewareOptions): MiddlewareFn<Context> {
  const { onInbound, logger } = options;
  return async (ctx) => {
    const updateId = ctx.update.update_id;
    const query = ctx.update.callback_query;
    if (query) await settleCallbackQuery(ctx.api, query, logger, updateId);
    const inbound = toInboundMessage(ctx.update, new Date());
    if (!inbound) {
      logger.debug({ updateId }, "telegram update ignored");
      return;
    }
    await onInbound(inbound);
  };
}

/** Answers a callback query and removes the tapped message's keyboard; failures are only logged. */
async function settleCallbackQuery(api: Api, query: CallbackQuery, logger: Logger, updateId: number) {
  const message = query.message;
  const removable = message !== undefined && message.date !== 0 && query.data !== undefined;
  const results = await Promise.allSettled([
    api.answerCallbackQuery(query.id),
    removable ? api.editMessageReplyMarkup(message.chat.id, message.message_id) : Promise.resolve(),
  ]);
  for (const result of results) {
    if (result.status === "rejected") {
      logger.debug({ updateId, err: errorSummary(result.reason) }, "telegram callback settle failed");
    }
  }
}
