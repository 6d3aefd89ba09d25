/**
 * Structured logs (pino). Log ids (conversation, case, message, job), never message text, names
 * or phone numbers: the redact list below is a safety net, not the rule.
 */
import { type Logger, pino } from "pino";

export type { Logger };

const REDACT = [
  "text",
  "*.text",
  "phone",
  "*.phone",
  "phone_number",
  "*.phone_number",
  "displayName",
  "*.displayName",
  "first_name",
  "*.first_name",
  "last_name",
  "*.last_name",
  "token",
  "*.token",
];

/** Creates the process logger at `level`. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base, redact: { paths: REDACT, censor: "[redacted]" } });
}

/**
 * What may be logged about an error: its name and message, nothing else. A driver's error carries
 * more (pg's `detail` holds the failing row, message text included), which pino would keep.
 */
export function loggableError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}

/**
 * Serializers for fastify's own log lines (its default error handler logs a 5xx with the request
 * and the whole error): the error's name and message only, and the path without its query string
 * (a filter, a reference or an invite token can ride on it).
 */
export const HTTP_LOG_SERIALIZERS = {
  err: loggableError,
  req: (request: { method?: string; url?: string }) => ({
    method: request.method,
    url: request.url?.split("?")[0],
  }),
};
