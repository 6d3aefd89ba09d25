/**
 * Telegram failures as the rest of the code needs them: a GrammyError (the Bot API said no) or an
 * HttpError (the network did) becomes a SendError kind. Also a log-safe summary of any error,
 * because grammY errors carry the request payload (message text) and the update (names).
 */
import { GrammyError, HttpError } from "grammy";
import { loggableMessage, loggableStack } from "../../logger.ts";
import { SendError } from "../types.ts";

/** Maps a failed Bot API call to a SendError: 403 blocked, 429 rate_limited, 5xx/network transient, other 4xx permanent. */
export function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  if (error instanceof GrammyError) {
    const what = `Telegram ${error.method} failed: ${error.error_code} ${error.description}`;
    if (error.error_code === 403) return new SendError("blocked", what);
    if (error.error_code === 429)
      return new SendError("rate_limited", what, error.parameters.retry_after ?? 1);
    if (error.error_code >= 500) return new SendError("transient", what);
    return new SendError("permanent", what);
  }
  if (error instanceof HttpError) {
    // Refused or not resolved: the request never reached Telegram, so sending again is safe.
    // Anything else (timeout, reset) may have been delivered: uncertain, never sent twice.
    const code = networkCode(error);
    const safe = code !== undefined && NOT_SENT_CODES.has(code);
    return new SendError(safe ? "transient" : "uncertain", `Telegram network error: ${error.message}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SendError("transient", `Telegram send failed: ${message}`);
}

/** Network errors that happen before a request is sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function networkCode(error: HttpError): string | undefined {
  let cause: unknown = error.error;
  for (let depth = 0; depth < 4 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What may be logged about an error: name, message, Telegram code and stack; never payloads or updates. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { name: error.name, method: error.method, code: error.error_code, message: error.description };
  }
  if (error instanceof HttpError) return { name: error.name, message: error.message };
  if (error instanceof Error)
    return { name: error.name, message: loggableMessage(error), stack: loggableStack(error) };
  return { message: String(error) };
}
