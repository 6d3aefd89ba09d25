/**
 * OutboundMessage → sendMessage parameters. Text goes as plain text (no parse_mode, so nothing
 * needs escaping); choices become an inline keyboard whose callback data is the choice id.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { type OutboundChoice, type OutboundMessage, SendError } from "../types.ts";

/** Telegram's limit on callback data, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** Labels longer than this (in characters) get a row of their own; shorter ones go two per row. */
export const LONG_LABEL_CHARS = 18;

/** The sendMessage parameters for one message (chat id aside). */
export interface TelegramMessageParams {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** Renders a message for sendMessage. Throws SendError("permanent") for a choice id Telegram cannot carry. */
export function renderMessage(message: OutboundMessage): TelegramMessageParams {
  const choices = message.choices ?? [];
  if (choices.length === 0) return { text: message.text };
  return { text: message.text, reply_markup: inlineKeyboard(choices, message.direction) };
}

/**
 * Lays choices out as inline keyboard rows: the answers first (one per row if any label is long,
 * else two per row), then the navigation buttons together on one last row. Right-to-left, each
 * row reads from the right: its first button is put last (Telegram lays rows out left to right).
 */
export function inlineKeyboard(
  choices: readonly OutboundChoice[],
  direction: "ltr" | "rtl" = "ltr",
): InlineKeyboardMarkup {
  const answers = choices.filter((c) => c.kind !== "nav");
  const navigation = choices.filter((c) => c.kind === "nav");
  const rows = answerRows(answers);
  if (navigation.length > 0) rows.push(navigation.map(button));
  return { inline_keyboard: direction === "rtl" ? rows.map((row) => [...row].reverse()) : rows };
}

function answerRows(choices: readonly OutboundChoice[]): InlineKeyboardButton[][] {
  const buttons = choices.map(button);
  const perRow = choices.some((c) => [...c.label].length > LONG_LABEL_CHARS) ? 1 : 2;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

function button(choice: OutboundChoice): InlineKeyboardButton {
  if (choice.url) return { text: choice.label, url: choice.url };
  const bytes = Buffer.byteLength(choice.id, "utf8");
  if (bytes === 0 || bytes > CALLBACK_DATA_MAX_BYTES) {
    throw new SendError(
      "permanent",
      `choice id "${choice.id}" is ${bytes} bytes; Telegram callback data takes 1 to ${CALLBACK_DATA_MAX_BYTES}`,
    );
  }
  return { text: choice.label, callback_data: choice.id };
}

/** The chat_id to send to: a number for numeric ids (as Telegram gives them), else the string (@username). */
export function toChatId(externalConversationId: string): number | string {
  return /^-?\d+$/.test(externalConversationId) ? Number(externalConversationId) : externalConversationId;
}
