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
