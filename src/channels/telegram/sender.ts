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
      try {
        const sent = await api.sendMessage(toChatId(address.externalConversationId), text, {
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
