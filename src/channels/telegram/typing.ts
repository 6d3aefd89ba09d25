/**
 * The typing indicator: when a turn takes longer than a second, the person sees "typing…" in the
 * chat (`sendChatAction typing`), renewed every few seconds (Telegram shows it for 5 s) until the
 * turn is done. It is not a message: it goes straight to the Bot API, and a failure is only logged.
 */
import type { Api } from "grammy";
import type { Logger } from "../../logger.ts";
import { errorSummary } from "./errors.ts";

/** When the indicator appears and how often it is renewed. */
export interface TypingOptions {
  /** A turn longer than this (ms) shows "typing…". Default 1000. */
  afterMs?: number;
  /** Renewed this often (ms) while the turn runs; Telegram shows it for 5 s. Default 4000. */
  everyMs?: number;
}

export const DEFAULT_TYPING = { afterMs: 1000, everyMs: 4000 } as const;

/** Runs `work`; while it runs longer than `afterMs`, chat `chatId` shows "typing…". */
export async function whileTyping<T>(
  api: Api,
  chatId: number | string,
  work: () => Promise<T>,
  options: TypingOptions & { logger: Logger },
): Promise<T> {
  const afterMs = options.afterMs ?? DEFAULT_TYPING.afterMs;
  const everyMs = options.everyMs ?? DEFAULT_TYPING.everyMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  const show = () => {
    if (done) return;
    api.sendChatAction(chatId, "typing").catch((error: unknown) => {
      options.logger.debug({ err: errorSummary(error) }, "telegram typing indicator failed");
    });
    timer = setTimeout(show, everyMs);
  };
  timer = setTimeout(show, afterMs);
  try {
    return await work();
  } finally {
    done = true;
    clearTimeout(timer);
  }
}
