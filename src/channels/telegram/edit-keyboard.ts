/**
 * Updating a question in place: after a tick in a multi-choice question the bot edits the tapped
 * message's keyboard (`editMessageReplyMarkup`, ✅ on the ticked answers) instead of sending the
 * whole question again. When Telegram cannot edit that message (deleted, or too old), the caller
 * sends the question as a new message.
 */
import { type Api, GrammyError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { toSendError } from "./errors.ts";

/**
 * Edits the keyboard of message `messageId`; true when it shows `markup` now (an unchanged one
 * included), false when Telegram refuses the edit (400: send a new message instead).
 * Throws SendError for everything else (blocked, rate limited, network).
 */
export async function editKeyboard(
  api: Api,
  chatId: number | string,
  messageId: string,
  markup: InlineKeyboardMarkup,
): Promise<boolean> {
  if (!/^\d{1,15}$/.test(messageId)) return false;
  try {
    await api.editMessageReplyMarkup(chatId, Number(messageId), { reply_markup: markup });
    return true;
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 400) {
      return /message is not modified/i.test(error.description);
    }
    throw toSendError(error);
  }
}
