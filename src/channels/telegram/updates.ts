/**
 * Telegram update → InboundMessage. Only two things reach the conversation core: a text message
 * in a private chat and a tap on one of our inline buttons in a private chat. Everything else
 * (groups, channels, edits, photos, voice notes, stickers, member changes…) is not for us.
 *
 * Ids that survive a replay: a redelivered update carries the same message, so
 * `message:<chat id>:<message id>` and `callback:<callback query id>` dedupe it. They are used
 * instead of update_id because Telegram may restart update ids at random after a quiet week.
 */
import type { Update } from "grammy/types";
import type { InboundMessage } from "../types.ts";

/** The update kinds we ask Telegram for (setWebhook / getUpdates allowed_updates). */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** Normalises an update, or returns undefined when it is not a private text message or button tap. */
export function toInboundMessage(update: Update, receivedAt: Date): InboundMessage | undefined {
  const message = update.message;
  if (message?.chat.type === "private" && message.from && typeof message.text === "string") {
    return {
      channel: "telegram",
      externalUserId: String(message.from.id),
      externalConversationId: String(message.chat.id),
      externalMessageId: `message:${message.chat.id}:${message.message_id}`,
      text: message.text,
      localeHint: message.from.language_code,
      displayName: message.from.first_name,
      receivedAt,
    };
  }
  const query = update.callback_query;
  if (query?.message?.chat.type === "private" && typeof query.data === "string") {
    return {
      channel: "telegram",
      externalUserId: String(query.from.id),
      externalConversationId: String(query.message.chat.id),
      externalMessageId: `callback:${query.id}`,
      choiceId: query.data,
      localeHint: query.from.language_code,
      displayName: query.from.first_name,
      receivedAt,
    };
  }
  return undefined;
}
