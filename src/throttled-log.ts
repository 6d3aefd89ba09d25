/**
 * A warning that may come thousands of times a minute (a refused webhook, a poison update) is
 * written at most once per interval: the first at once, then one line per interval with the
 * count of those not written (`suppressed`). A flood cannot fill the disk or hide other lines.
 */
import type { Logger } from "./logger.ts";

/** Logs `fields` with the message now, or counts it for the next line. */
export type ThrottledLog = (fields: Record<string, unknown>) => void;

/** One line per `intervalMs` (default a minute) for `message` at warn. */
export function throttledWarn(logger: Logger, message: string, intervalMs = 60_000): ThrottledLog {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (fields) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn({ ...fields, ...(suppressed ? { suppressed } : {}) }, message);
    lastAt = now;
    suppressed = 0;
  };
}
