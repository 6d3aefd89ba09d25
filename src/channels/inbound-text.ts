/**
 * What every door does to the strings it lets in, once, before anything else sees them: NUL and
 * the other C0 control characters but tab and newlines are removed (Postgres refuses NUL in text
 * and jsonb), lone surrogates become U+FFFD (jsonb refuses a lone "\ud800" escape), and the
 * length is bounded. Telegram updates and web chat requests both go through here.
 */
import { z } from "zod";

/** Longest text a person may send in one message (Telegram's own limit is 4,096). */
export const MAX_INBOUND_TEXT = 4096;
/** Longest choice id (Telegram callback data is at most 64 bytes; web chat ids are ours). */
export const MAX_CHOICE_ID = 256;
/** Longest display name kept from a platform (Telegram's first_name is at most 64). */
export const MAX_DISPLAY_NAME = 128;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with control characters removed, at most `maxLength` UTF-16 units, well formed. */
export function normaliseText(value: string, maxLength: number): string {
  return value.replace(CONTROL, "").slice(0, maxLength).replace(LONE_SURROGATE, "\ufffd");
}

/** A zod string that is normalised (see normaliseText) after it is read. */
export function inboundText(maxLength: number) {
  return z.string().transform((value) => normaliseText(value, maxLength));
}

/** A platform id we may store and index: 1 to 128 printable ASCII characters. */
export const platformId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "a printable id of at most 128 characters");

/** A BCP 47-ish language tag as platforms send them ("ro", "pt-br"); anything else is dropped. */
export const languageTag = z
  .string()
  .regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,4}$/)
  .optional()
  .catch(undefined);
