/**
 * Bot Connector failures as the outbox needs them. The connector client does not retry (its retry
 * policy is removed, teams-auth.ts): every failed call reaches this code, and the outbox decides:
 * - 403 that means the person blocked the bot or the bot cannot write to the chat any more, in
 *   either shape Teams uses (`{"error":{"code":"MessageWritesBlocked"}}`, or its documented
 *   `{"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\"…"}`; also
 *   ConversationBlockedByUser, and the bot no longer in the conversation): blocked.
 * - 429: rate_limited with the Retry-After in seconds (default 1).
 * - 412, 5xx: transient, retried with backoff. 401 (our own token refused) is transient too: the
 *   next attempt gets a new token.
 * - Other 4xx: permanent. No status (network): transient when the request never left, else
 *   uncertain.
 */
import { SendError } from "../types.ts";

const BLOCKED_CODES = [
  "MessageWritesBlocked",
  "ConversationBlockedByUser",
  "BotNotInConversationRoster",
  "BotDisabledByAdmin",
];
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

interface ConnectorErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { bodyAsText?: string | null; headers?: { get?(name: string): string | undefined } };
}

/** Whether a 403 body says the conversation is closed to the bot (either shape). */
export function isBlockedBody(body: string | null | undefined): boolean {
  if (!body) return false;
  return BLOCKED_CODES.some((code) => body.includes(code));
}

/** Maps an error thrown by a connector call to a SendError. */
export function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = (error ?? {}) as ConnectorErrorLike;
  const status = e.statusCode;
  const body = e.response?.bodyAsText ?? "";
  const what = `Teams connector: ${status ?? e.code ?? "error"}`;
  if (status === 403)
    return new SendError(isBlockedBody(body) ? "blocked" : "permanent", `${what} ${firstCode(body)}`);
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.get?.("retry-after"));
    return new SendError(
      "rate_limited",
      what,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1,
    );
  }
  if (status === 401 || status === 412 || (status !== undefined && status >= 500))
    return new SendError("transient", what);
  if (status !== undefined) return new SendError("permanent", `${what} ${firstCode(body)}`);
  const code = e.code ?? "";
  return new SendError(
    NOT_SENT_CODES.has(code) ? "transient" : "uncertain",
    `${what}: ${e.message ?? ""}`.slice(0, 200),
  );
}

/** The error code in a connector error body, for the failure reason (never message text). */
function firstCode(body: string): string {
  const match = /"(?:code|subCode)\\?"\s*:\s*\\?"([A-Za-z]+)/.exec(body);
  return match?.[1] ?? "";
}
