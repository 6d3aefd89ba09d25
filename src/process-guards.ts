/**
 * The last resort: nothing but a signal should stop the bot, so every promise has an owner and
 * every connection an 'error' listener. What slips through anyway is logged here. A rejected
 * promise nobody awaited is logged and the process goes on (the work it belonged to failed, as
 * it would have with an owner). An uncaught exception leaves state unknown: it is logged, the
 * app gets a few seconds to close, and the process exits non-zero for the supervisor to restart.
 */
import { type Logger, loggableMessage, loggableStack } from "./logger.ts";

export interface ProcessGuardOptions {
  logger: Logger;
  /** Closes the app before an exit (bounded by `closeTimeoutMs`). */
  close?: () => Promise<void>;
  closeTimeoutMs?: number;
  exit?: (code: number) => void;
}

function summary(reason: unknown): Record<string, unknown> {
  return reason instanceof Error
    ? { name: reason.name, message: loggableMessage(reason), stack: loggableStack(reason) }
    : { message: String(reason) };
}

/** Installs the process-wide handlers; returns a function that removes them. */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exiting = false;
  const onRejection = (reason: unknown) => {
    logger.error({ err: summary(reason) }, "unhandled promise rejection (a bug: the promise had no owner)");
  };
  const onException = (error: Error) => {
    logger.fatal({ err: summary(error) }, "uncaught exception; exiting");
    if (exiting) return;
    exiting = true;
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, options.closeTimeoutMs ?? 5000).unref(),
    );
    void Promise.race([options.close?.().catch(() => undefined), timeout]).finally(() => exit(1));
  };
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}
