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
  if (error instanceof Error) return { name: error.name, message: loggableMessage(error) };
  return { name: typeof error, message: String(error) };
}

/**
 * An error's message, without what Prisma puts in it: its messages ("Invalid `db.x.create()`
 * invocation …") quote the call — a validation error the arguments themselves, a client's text
 * included — before the reason, its last paragraph. Only the first line and the reason are kept.
 */
export function loggableMessage(error: Error): string {
  const message = error.message.trim();
  if (!error.name.startsWith("PrismaClient") || !message.startsWith("Invalid `")) return error.message;
  const first = (message.split("\n")[0] ?? "").replace(/ in$/, "");
  const reason =
    message
      .split(/\n\s*\n/)
      .at(-1)
      ?.trim() ?? "";
  return `${first}: ${reason}`;
}

/** An error's stack, its first line carrying loggableMessage instead of the message. */
export function loggableStack(error: Error): string | undefined {
  return error.stack?.replace(error.message, loggableMessage(error));
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
