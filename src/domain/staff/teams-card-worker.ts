/**
 * The loop that turns pending tasks into Teams cards (teams-cards.ts): every `pollMs` (default 1 s)
 * it writes the cards of whatever tasks are pending, then wakes the outbox's senders. Every process
 * that runs workers runs one; SKIP LOCKED gives each pending task to one of them.
 */
import { type Logger, loggableError } from "../../logger.ts";
import type { Outbox } from "../../outbox/outbox.ts";
import { type TeamsCardDeps, writeNextCard } from "./teams-cards.ts";

export interface TeamsCardWorkerDeps extends TeamsCardDeps {
  outbox: Pick<Outbox, "write" | "dispatch">;
  logger: Logger;
  pollMs?: number;
}

/** At most this many tasks per pass, so a backlog never holds the loop for long. */
const PASS_LIMIT = 200;

/** Starts the loop; `close` stops it after the pass in progress. */
export function startTeamsCardWorker(deps: TeamsCardWorkerDeps): { close(): Promise<void> } {
  const log = deps.logger.child({ component: "teams-cards" });
  let closed = false;
  let wake: (() => void) | undefined;
  const rest = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deps.pollMs ?? 1000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const pass = async () => {
    let written = 0;
    for (let n = 0; n < PASS_LIMIT && !closed; n++) {
      const result = await writeNextCard(deps);
      if (result === null) break;
      if (result !== undefined) written++;
    }
    if (written) {
      log.info({ cards: written }, "teams cards written");
      await deps.outbox.dispatch();
    }
  };
  const running = (async () => {
    while (!closed) {
      await pass().catch((error: Error) =>
        log.warn({ err: loggableError(error) }, "teams cards pass failed"),
      );
      if (!closed) await rest();
    }
  })();
  return {
    async close() {
      closed = true;
      wake?.();
      await running;
    },
  };
}
