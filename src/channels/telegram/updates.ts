/**
 * The Telegram door: a raw update (whatever JSON arrived) → a parsed update, by zod schemas of
 * the two shapes we handle, before anything else runs. Only two things reach the conversation
 * core: a text message in a private chat and a tap on one of our inline buttons in a private
 * chat. Everything else (groups, channels, edits, photos, voice notes, member changes…) is not
 * for us; a shape we handle but cannot read (a message without `chat`, a 4,000-digit chat id, a
 * nested object where a string belongs) is `malformed`. Both are acknowledged, never retried.
 *
 * Ids that survive a replay: a redelivered update carries the same message, so
 * `message:<chat id>:<message id>` and `callback:<callback query id>` dedupe it. They are used
 * instead of update_id because Telegram may restart update ids at random after a quiet week.
 */
import { z } from "zod";
import {
  inboundText,
  languageTag,
  MAX_CHOICE_ID,
  MAX_DISPLAY_NAME,
  MAX_INBOUND_TEXT,
  platformId,
} from "../inbound-text.ts";
import type { InboundMessage } from "../types.ts";

/** The update kinds we ask Telegram for (setWebhook / getUpdates allowed_updates). */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** A button tap to answer (stop the spinner) and, when `keyboard` is set, whose keyboard to remove. */
export interface CallbackToSettle {
  id: string;
  keyboard?: { chatId: number; messageId: number };
}

/** What the door made of one update. */
export type ParsedUpdate =
  | {
      kind: "inbound";
      updateId: number;
      message: InboundMessage;
      /** The chat, as the key that keeps one chat's updates in order. */
      chatKey: string;
      callback?: CallbackToSettle;
    }
  | { kind: "ignored"; updateId: number; reason: string; chatKey?: string; callback?: CallbackToSettle }
  | { kind: "malformed"; updateId: number | undefined; reason: string };

const user = z.object({
  id: z.int().positive(),
  first_name: inboundText(MAX_DISPLAY_NAME).optional().catch(undefined),
  language_code: languageTag,
});

const chat = z.object({ id: z.int(), type: z.string().max(32) });

const message = z.object({
  message_id: z.int().nonnegative(),
  date: z.int().optional().catch(undefined),
  chat,
  from: user.optional(),
  text: inboundText(MAX_INBOUND_TEXT).optional().catch(undefined),
});

const callbackQuery = z.object({
  id: platformId,
  from: user,
  /** Missing or unreadable: a message too old for Telegram to include, or not ours to edit. */
  message: message.optional().catch(undefined),
  data: inboundText(MAX_CHOICE_ID).optional().catch(undefined),
});

const update = z.object({
  update_id: z.int().nonnegative(),
  message: message.optional(),
  callback_query: callbackQuery.optional(),
});

/** Where a zod failure was, without the value (which may be a person's text). */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "update"}: ${issue.code}` : "invalid";
}

/** Parses whatever arrived as an update. Never throws. */
export function parseUpdate(raw: unknown, receivedAt: Date): ParsedUpdate {
  const result = update.safeParse(raw);
  if (!result.success) {
    const updateId = (raw as { update_id?: unknown } | null)?.update_id;
    return {
      kind: "malformed",
      updateId: Number.isSafeInteger(updateId) ? (updateId as number) : undefined,
      reason: describe(result.error),
    };
  }
  const { update_id: updateId, message: text, callback_query: query } = result.data;
  if (text) return textMessage(updateId, text, receivedAt);
  if (query) return buttonTap(updateId, query, receivedAt);
  return { kind: "ignored", updateId, reason: "an update kind we do not handle" };
}

/** A message: for the core only when it is text in a private chat. */
function textMessage(updateId: number, text: z.infer<typeof message>, receivedAt: Date): ParsedUpdate {
  const chatKey = String(text.chat.id);
  if (text.chat.type !== "private" || !text.from || text.text === undefined || text.text === "") {
    return { kind: "ignored", updateId, chatKey, reason: "not a private text message" };
  }
  return {
    kind: "inbound",
    updateId,
    chatKey,
    message: {
      channel: "telegram",
      externalUserId: String(text.from.id),
      externalConversationId: chatKey,
      externalMessageId: `message:${text.chat.id}:${text.message_id}`,
      text: text.text,
      ...(text.from.language_code ? { localeHint: text.from.language_code } : {}),
      ...(text.from.first_name ? { displayName: text.from.first_name } : {}),
      receivedAt,
    },
  };
}

/** A tap on an inline button: settled either way, for the core only in a private chat. */
function buttonTap(updateId: number, query: z.infer<typeof callbackQuery>, receivedAt: Date): ParsedUpdate {
  const tapped = query.message;
  const callback: CallbackToSettle = {
    id: query.id,
    ...(tapped && tapped.date !== 0 && query.data !== undefined
      ? { keyboard: { chatId: tapped.chat.id, messageId: tapped.message_id } }
      : {}),
  };
  const chatKey = tapped ? String(tapped.chat.id) : undefined;
  if (tapped?.chat.type !== "private" || !query.data || !chatKey) {
    return { kind: "ignored", updateId, reason: "not a button in a private chat", callback };
  }
  return {
    kind: "inbound",
    updateId,
    chatKey,
    callback,
    message: {
      channel: "telegram",
      externalUserId: String(query.from.id),
      externalConversationId: chatKey,
      externalMessageId: `callback:${query.id}`,
      choiceId: query.data,
      tappedMessageId: String(tapped.message_id),
      ...(query.from.language_code ? { localeHint: query.from.language_code } : {}),
      ...(query.from.first_name ? { displayName: query.from.first_name } : {}),
      receivedAt,
    },
  };
}
