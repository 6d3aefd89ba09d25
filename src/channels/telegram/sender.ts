/**
 * The outgoing half of the Telegram channel, built from the token alone: one sendMessage per
 * OutboundMessage, errors mapped to SendError so the outbox knows whether to stop, wait or retry.
 * It makes one call per send and never retries: the outbox does (a 429 pauses every process).
 */
import http from "node:http";
import https from "node:https";
import { Api } from "grammy";
import {
  type ChannelSender,
  type ConversationAddress,
  type OutboundMessage,
  type RateLimit,
  SendError,
} from "../types.ts";
import { editKeyboard } from "./edit-keyboard.ts";
import { toSendError } from "./errors.ts";
import { renderMessage, toChatId } from "./render.ts";
import { sendVoiceNote, type VoiceNoteSource } from "./voice-note.ts";

/** How many messages may go to one chat at once before its one-a-second limit applies. */
export const TELEGRAM_CHAT_BURST = 3;

/**
 * Telegram's limits: 30 messages a second per bot, and about one a second per chat, which
 * Telegram lets a chat exceed in short bursts: at most TELEGRAM_CHAT_BURST in any
 * TELEGRAM_CHAT_BURST seconds, so a turn's two or three replies all go at once.
 */
export const TELEGRAM_LIMITS: readonly RateLimit[] = [
  { per: "bot", limit: 30, windowMs: 1000 },
  { per: "conversation", limit: TELEGRAM_CHAT_BURST, windowMs: TELEGRAM_CHAT_BURST * 1000 },
];

/**
 * A kept-alive connection to the Bot API that has been idle this long (ms) is closed by us. A
 * server closes idle connections too (Node's after 5 s); a request sent on one at that moment
 * fails with a reset and ends `uncertain`. Closing ours first avoids that race.
 */
export const IDLE_SOCKET_MS = 4000;

export interface TelegramSenderOptions {
  /** TELEGRAM_API_ROOT; default the official https://api.telegram.org. */
  apiRoot?: string;
  /** The limits the outbox keeps for this bot (default TELEGRAM_LIMITS). */
  limits?: readonly RateLimit[];
  /** Idle keep-alive connections are closed after this long (ms); default IDLE_SOCKET_MS. */
  idleSocketMs?: number;
  /** A request without an answer after this long fails as `uncertain` (default 30 s). */
  timeoutSeconds?: number;
  /** The approved voice recordings (voice notes); without it a voice note fails as permanent. */
  voiceNotes?: VoiceNoteSource;
}

/** Creates the Telegram ChannelSender for bot `token`. Nothing touches the network until a send. */
export function createTelegramSender(token: string, options: TelegramSenderOptions = {}): ChannelSender {
  const api = createTelegramApi(token, options);
  return {
    channel: "telegram",
    limits: options.limits ?? TELEGRAM_LIMITS,
    async send(address: ConversationAddress, message: OutboundMessage) {
      if (address.channel !== "telegram") {
        throw new SendError("permanent", `Telegram sender cannot reach a ${address.channel} address`);
      }
      const chatId = toChatId(address.externalConversationId);
      if (message.voice) {
        if (!options.voiceNotes) throw new SendError("permanent", "voice notes are off on this sender");
        return { externalMessageId: await sendVoiceNote(api, options.voiceNotes, chatId, message.voice) };
      }
      const { text, reply_markup } = renderMessage(message);
      if (
        message.replaces &&
        reply_markup &&
        (await editKeyboard(api, chatId, message.replaces, reply_markup))
      ) {
        return { externalMessageId: message.replaces };
      }
      try {
        const sent = await api.sendMessage(chatId, text, reply_markup ? { reply_markup } : {});
        return { externalMessageId: String(sent.message_id) };
      } catch (error) {
        throw toSendError(error);
      }
    },
  };
}

/** A grammY Api on a kept-alive agent whose idle sockets close after `idleSocketMs`. */
export function createTelegramApi(
  token: string,
  options: Pick<TelegramSenderOptions, "apiRoot" | "idleSocketMs" | "timeoutSeconds"> = {},
): Api {
  const apiRoot = options.apiRoot ?? "https://api.telegram.org";
  // The agent's timeout closes only idle connections: a request waiting for its answer is not cut.
  const agentOptions = { keepAlive: true, timeout: options.idleSocketMs ?? IDLE_SOCKET_MS };
  const agent = apiRoot.startsWith("http:") ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
  return new Api(token, {
    apiRoot,
    baseFetchConfig: { agent, compress: true },
    timeoutSeconds: options.timeoutSeconds ?? 30,
  });
}
