/**
 * Counts the SQL statements one piece of work sends: every `query` of node-postgres's Client
 * (Prisma's adapter, the lock pool and the outbox's pool all go through it) made in the async
 * context of `counted(...)`. Work of the app's own loops (the outbox's poller, workers) runs in
 * other contexts and is not counted, and the rows they answered. Installed once per test file.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

interface Log {
  statements: string[];
  rows: number;
}

const context = new AsyncLocalStorage<Log>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    const log = context.getStore();
    if (log) {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === "string" ? first : (first?.text ?? "?");
      log.statements.push(text.replace(/\s+/g, " ").trim());
    }
    const answer = query.apply(this, args);
    if (log && answer instanceof Promise) {
      answer.then(
        (result: { rows?: unknown[] } | undefined) => {
          log.rows += result?.rows?.length ?? 0;
        },
        () => {},
      );
    }
    return answer;
  } as typeof pg.Client.prototype.query;
}

/** Runs `work`; returns its result, the text of every statement it sent, in order, and the rows they answered. */
export async function counted<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: string[]; rows: number }> {
  install();
  const log: Log = { statements: [], rows: 0 };
  const result = await context.run(log, work);
  return { result, statements: log.statements, rows: log.rows };
}
