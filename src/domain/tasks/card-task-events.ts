/**
 * Telling the Teams card workers that a task awaits its card (tasks.ts createTask, `cardPending`):
 * a Postgres NOTIFY on channel `card_tasks`, sent in the task's transaction, so it is delivered
 * when the task commits and never for one that rolled back. The payload is empty (a worker takes
 * whatever is pending, and Postgres folds a transaction's identical notices into one).
 */
import type { PgListen, Unlisten } from "../../store/pg-listen.ts";
import type { DbClient } from "../../store/prisma.ts";

export const CARD_TASK_CHANNEL = "card_tasks";

/** Queues the notice in the caller's transaction (delivered when it commits). */
export async function publishCardTask(tx: DbClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CARD_TASK_CHANNEL}, '')`;
}

/**
 * Calls `onTask` for each notice (store/pg-listen.ts: the process's LISTEN connection; `onLost`
 * once if it is lost). Returns a function that stops listening.
 */
export function listenCardTasks(
  pgListen: PgListen,
  onTask: () => void,
  onLost: (error: Error) => void,
): Promise<Unlisten> {
  return pgListen.listen(CARD_TASK_CHANNEL, () => onTask(), onLost);
}
