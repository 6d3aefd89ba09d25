/**
 * The middleware between grammY and the conversation core, in two parts. `parseMiddleware` runs
 * first: it parses the raw update at the door (updates.ts) and stops there for anything we do not
 * handle or cannot read, acknowledged and logged (a malformed one at most once a minute). The
 * inbound middleware then answers a button tap (the client's spinner stops) and removes its
 * keyboard before the core sees it, so a choice cannot be tapped twice; while the core works
 * longer than a second the chat shows "typing…" (typing.ts). Errors from `onInbound`
 * propagate: the webhook answers 503 so Telegram redelivers, polling logs them (bot.catch).
 */
import type { Api, Context, MiddlewareFn } from "grammy";
import type { Logger } from "../../logger.ts";
import { throttledWarn } from "../../throttled-log.ts";
import type { InboundHandler } from "../types.ts";
import { errorSummary } from "./errors.ts";
import { toChatId } from "./render.ts";
import { type TypingOptions, whileTyping } from "./typing.ts";
import { type CallbackToSettle, type ParsedUpdate, parseUpdate } from "./updates.ts";

const parsedUpdates = new WeakMap<Context, ParsedUpdate>();

/** The key that keeps one chat's updates in order (for sequentialize); undefined when none. */
export function chatKeyOf(ctx: Context): string | undefined {
  const parsed = parsedUpdates.get(ctx);
  return parsed && parsed.kind !== "malformed" ? parsed.chatKey : undefined;
}

/** Parses the update; only a usable one (or a tap to answer) goes on down the chain. */
export function createParseMiddleware(logger: Logger): MiddlewareFn<Context> {
  const warnMalformed = throttledWarn(logger, "telegram update malformed; acknowledged and dropped");
  return async (ctx, next) => {
    const parsed = parseUpdate(ctx.update, new Date());
    parsedUpdates.set(ctx, parsed);
    if (parsed.kind === "malformed") {
      warnMalformed({ updateId: parsed.updateId, reason: parsed.reason });
      return;
    }
    if (parsed.kind === "ignored" && !parsed.callback) {
      logger.debug({ updateId: parsed.updateId, reason: parsed.reason }, "telegram update ignored");
      return;
    }
    await next();
  };
}

export interface InboundMiddlewareOptions {
  onInbound: InboundHandler;
  logger: Logger;
  /** When "typing…" shows while a turn runs (default after 1 s). */
  typing?: TypingOptions;
}

/** Creates the middleware that settles a tap and hands the parsed message to `onInbound`. */
export function createInboundMiddleware(options: InboundMiddlewareOptions): MiddlewareFn<Context> {
  const { onInbound, logger } = options;
  return async (ctx) => {
    const parsed = parsedUpdates.get(ctx) ?? parseUpdate(ctx.update, new Date());
    if (parsed.kind === "malformed") return;
    if (parsed.callback) await settleCallbackQuery(ctx.api, parsed.callback, logger, parsed.updateId);
    if (parsed.kind === "ignored") {
      logger.debug({ updateId: parsed.updateId, reason: parsed.reason }, "telegram update ignored");
      return;
    }
    const { message } = parsed;
    await whileTyping(ctx.api, toChatId(message.externalConversationId), () => onInbound(message), {
      ...options.typing,
      logger,
    });
  };
}

/**
 * Answers a callback query and removes the tapped message's keyboard; failures are only logged.
 * Every value was read by the door, so nothing here can throw before both calls have an owner.
 */
export async function settleCallbackQuery(
  api: Api,
  callback: CallbackToSettle,
  logger: Logger,
  updateId: number,
): Promise<void> {
  const { keyboard } = callback;
  // Each call starts inside a promise chain, so even a synchronous throw is a settled result.
  const calls = [
    () => api.answerCallbackQuery(callback.id),
    () => (keyboard ? api.editMessageReplyMarkup(keyboard.chatId, keyboard.messageId) : undefined),
  ];
  const results = await Promise.allSettled(calls.map((call) => Promise.resolve().then(call)));
  for (const result of results) {
    if (result.status === "rejected") {
      logger.debug({ updateId, err: errorSummary(result.reason) }, "telegram callback settle failed");
    }
  }
}
