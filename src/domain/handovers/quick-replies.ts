/**
 * Quick replies: ready messages a counsellor sends in the client's language without reading it
 * (`locales/<lng>/quick-replies.json`, in every client language; the console's labels are
 * `counsellor.quick_reply_<key>` in nl, fr and en). Parameters are typed — a date as YYYY-MM-DD,
 * a time as HH:MM, a place as text — and rendered for the client's language: the date in their
 * words (Romani from our own month names), each value isolated in right-to-left Arabic.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Translator } from "../../i18n/translator.ts";

/** Every quick reply and the parameters it takes, in the order the picker shows them. */
export const QUICK_REPLIES = {
  call_today: [],
  call_tomorrow: [],
  come_to_office: ["date", "time"],
  meet_at_place: ["place", "date", "time"],
  bring_residence_card: [],
  bring_id: [],
  send_photo: [],
  well_done: [],
  received: [],
  will_check: [],
  call_me: [],
  see_you: [],
} as const satisfies Record<string, readonly QuickReplyParam[]>;

export type QuickReplyParam = "date" | "time" | "place";
export type QuickReplyKey = keyof typeof QUICK_REPLIES;
export const QUICK_REPLY_KEYS = Object.keys(QUICK_REPLIES) as [QuickReplyKey, ...QuickReplyKey[]];

/** The `params` of a quick reply; which of them a key needs is checked by `quickReplyParamsFor`. */
export const quickReplyParamsSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
      .refine((v) => DateTime.fromISO(v).isValid, "a date that exists, as YYYY-MM-DD")
      .optional(),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM")
      .optional(),
    place: z.string().trim().min(1, "a place").max(120, "at most 120 characters").optional(),
  })
  .strict();
export type QuickReplyParams = z.infer<typeof quickReplyParamsSchema>;

/** The names of the parameters `key` needs that `params` lacks ([] when complete). */
export function missingParams(key: QuickReplyKey, params: QuickReplyParams): QuickReplyParam[] {
  return QUICK_REPLIES[key].filter((name) => params[name] === undefined);
}

/** The quick reply as the client reads it. */
export function renderQuickReply(
  translator: Translator,
  input: { key: QuickReplyKey; params: QuickReplyParams; locale: string },
): OutboundMessage {
  const values: Record<string, string> = {};
  if (input.params.date) {
    // Noon UTC is the same calendar day in every zone we serve.
    values.date = translator.formatDate(new Date(`${input.params.date}T12:00:00Z`), input.locale, "UTC");
  }
  if (input.params.time) values.time = translator.formatTime(input.params.time, input.locale);
  if (input.params.place) values.place = input.params.place;
  return {
    text: translator.t(`quick-replies.${input.key}`, input.locale, values),
    locale: input.locale,
    direction: translator.dir(input.locale),
  };
}
