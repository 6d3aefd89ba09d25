/**
 * The outgoing half of the Telegram channel: one sendMessage per OutboundMessage, errors mapped to
 * SendError so the outbox knows whether to stop, wait or retry.
 */
import type { Api } from "grammy";
import {
  type ChannelSender,
  type ConversationAddress,
  type OutboundMessage,
  SendError,
  type SendOptions,
} from "../types.ts";
import { editKeyboard } from "./edit-keyboard.ts";
import { toSendError } from "./errors.ts";
import { renderMessage, toChatId } from "./render.ts";

/** Creates the ChannelSender that writes through `api` (which carries the auto-retry transformer). */
export function createTelegramSender(api: Api): ChannelSender {
  return {
    channel: "telegram",
    async send(address: ConversationAddress, message: OutboundMessage, options: SendOptions = {}) {
      if (address.channel !== "telegram") {
        throw new SendError("permanent", `Telegram sender cannot reach a ${address.channel} address`);
      }
      const { text, reply_markup } = renderMessage(message);
      const chatId = toChatId(address.externalConversationId);
      if (
        message.replaces &&
        reply_markup &&
        (await editKeyboard(api, chatId, message.replaces, reply_markup))
      ) {
        return { externalMessageId: message.replaces };
      }
      try {
        const sent = await api.sendMessage(chatId, text, {
          ...(reply_markup ? { reply_markup } : {}),
          ...(options.paidBroadcast ? { allow_paid_broadcast: true } : {}),
        });
        return { externalMessageId: String(sent.message_id) };
      } catch (error) {
        throw toSendError(error);
      }
    },
  };
}
