/**
 * What the web chat page may send, checked with zod. A bad request is answered with one clear
 * line (`{ error }`), never a stack trace.
 */
import { z } from "zod";
import { inboundText, MAX_CHOICE_ID } from "../inbound-text.ts";

/** Longest text a person may send in one message. */
export const MAX_TEXT_LENGTH = 2000;

const clientId = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .regex(/^[A-Za-z0-9_-]{16,64}$/, `${name} must be 16 to 64 characters: letters, digits, _ or -`);

/** Largest `after` accepted: Message ids are far below it, and it fits Postgres's bigint. */
export const MAX_AFTER = Number.MAX_SAFE_INTEGER;

/** A Message row id the page has already shown; `0` (the default) means "from the start". */
const afterId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,16}$/, "after must be a message id (digits)"))
  .transform((v) => BigInt(v))
  .refine((v) => v <= BigInt(MAX_AFTER), "after must be a message id")
  .default(0n);

/** `POST /chat/api/messages`: one message from the page, either typed text or a tapped choice. */
export const postMessageBody = z
  .object(
    {
      sessionId: clientId("sessionId"),
      messageId: clientId("messageId"),
      text: inboundText(MAX_TEXT_LENGTH * 2)
        .pipe(
          z
            .string()
            .trim()
            .min(1, "text must not be empty")
            .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`),
        )
        .optional(),
      choiceId: inboundText(MAX_CHOICE_ID)
        .pipe(z.string().min(1).max(64, "choiceId must be 1 to 64 characters"))
        .optional(),
      after: afterId,
      /** With choiceId: the id of the bot message whose button was tapped (a Message row id). */
      tappedId: z
        .string()
        .regex(/^\d{1,16}$/, "tappedId must be a message id (digits)")
        .optional(),
    },
    { error: "the body must be a JSON object" },
  )
  .refine((body) => (body.text === undefined) !== (body.choiceId === undefined), {
    error: "send exactly one of text or choiceId",
  });

/** `GET /chat/api/messages`: the bot's messages after `after`. */
export const listMessagesQuery = z.object({
  sessionId: clientId("sessionId"),
  after: afterId,
});

/** The first issue of a failed parse as one line, e.g. "text must be at most 2000 characters". */
export function describeIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "invalid request";
}

/** The first language tag of an Accept-Language header ("ar-MA,ar;q=0.9" → "ar-MA"), if any. */
export function firstLanguageTag(header: string | undefined): string | undefined {
  const tag = header?.split(",")[0]?.split(";")[0]?.trim();
  return tag && tag !== "*" && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}
