/**
 * The loop that turns pending tasks into Teams cards (teams-cards.ts): it runs a pass when a card
 * task commits (a NOTIFY on `card_tasks`, heard on the process's LISTEN connection) and, for a
 * notice missed, every `pollMs` (default 30 s); each pass writes the cards of whatever tasks are
 * pending, then wakes the outbox's senders. Every process that runs workers runs one; SKIP LOCKED
 * gives each pending task to one of them. A LISTEN that is lost, or cannot open, is logged and
 * opened again a second later (then at each fallback pass), before a pass that takes what it missed.
 */
import { type Logger, loggableError } from "../../logger.ts";
import type { Outbox } from "../../outbox/outbox.ts";
import type { PgListen, Unlisten } from "../../store/pg-listen.ts";
import { listenCardTasks } from "../tasks/card-task-events.ts";
import { type TeamsCardDeps, writeNextCard } from "./teams-cards.ts";

/** The fallback poll: how late a card may be when its notice was missed (a lost LISTEN). */
export const TEAMS_CARD_POLL_MS = 30_000;
/** After a lost LISTEN, the pass that listens again and takes what was missed comes this much later. */
const RELISTEN_MS = 1000;
/** At most this many tasks per pass, so a backlog never holds the loop for long. */
const PASS_LIMIT = 200;

export interface TeamsCardWorkerDeps extends TeamsCardDeps {
  outbox: Pick<Outbox, "write" | "dispatch">;
  logger: Logger;
  /** The process's LISTEN connection, to hear of new card tasks; unset: the poll alone. */
  pgListen?: PgListen;
  /** The fallback poll (default TEAMS_CARD_POLL_MS). */
  pollMs?: number;
}

/** Starts the loop; `close` stops it after the pass in progress. */
export function startTeamsCardWorker(deps: TeamsCardWorkerDeps): { close(): Promise<void> } {
  const log = deps.logger.child({ component: "teams-cards" });
  const state = { closed: false, woken: false };
  const rest = restingLoop(deps.pollMs ?? TEAMS_CARD_POLL_MS, state);
  const listener = deps.pgListen ? cardTaskListener(deps.pgListen, log, rest.wake) : undefined;
  const pass = async () => {
    let written = 0;
    for (let n = 0; n < PASS_LIMIT && !state.closed; n++) {
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
    while (!state.closed) {
      // Listening before the pass: a task committed during the pass wakes the next one.
      await listener?.ensure();
      state.woken = false;
      await pass().catch((error: Error) =>
        log.warn({ err: loggableError(error) }, "teams cards pass failed"),
      );
      if (!state.closed) await rest.wait();
    }
  })();
  return {
    async close() {
      state.closed = true;
      rest.wake();
      await running;
      await listener?.close();
    },
  };
}

/** The wait between passes: `pollMs`, cut short by `wake` (also one that came during the pass). */
function restingLoop(pollMs: number, state: { closed: boolean; woken: boolean }) {
  let wakeNow: (() => void) | undefined;
  return {
    wake() {
      state.woken = true;
      wakeNow?.();
    },
    wait: () =>
      new Promise<void>((resolve) => {
        if (state.woken || state.closed) return resolve();
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wakeNow = undefined;
          resolve();
        }
        wakeNow = done;
      }),
  };
}

/**
 * The LISTEN on `card_tasks` (domain/tasks/card-task-events.ts, store/pg-listen.ts): `ensure`
 * opens it when it is not open (a failure is logged: the fallback poll is still there); a lost one
 * calls `wake` a second later, for a pass that listens again and takes what was missed.
 */
function cardTaskListener(pgListen: PgListen, log: Logger, wake: () => void) {
  const warn = (message: string) => (error: Error) => log.warn({ err: loggableError(error) }, message);
  let feed: Promise<Unlisten> | undefined;
  let retry: NodeJS.Timeout | undefined;
  return {
    async ensure() {
      if (feed) return;
      const opening = listenCardTasks(pgListen, wake, (error) => {
        if (feed !== opening) return;
        feed = undefined;
        warn("teams card listener lost; listening again")(error);
        retry = setTimeout(wake, RELISTEN_MS);
        retry.unref();
      });
      feed = opening;
      await opening.catch((error: Error) => {
        if (feed === opening) feed = undefined;
        warn("teams card listener could not open; the fallback poll goes on")(error);
      });
    },
    async close() {
      clearTimeout(retry);
      const unlisten = await feed?.catch(() => undefined);
      feed = undefined;
      await unlisten?.().catch(() => undefined);
    },
  };
}
