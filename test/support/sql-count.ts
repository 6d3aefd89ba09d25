/**
 * Counts the SQL statements one piece of work sends: every `query` of node-postgres's Client
 * (Prisma's adapter, the lock pool and the outbox's pool all go through it) made in the async
 * context of `counted(...)`. Work of the app's own loops (the outbox's poller, workers) runs in
 * other contexts and is not counted. Installed once per test file.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

const context = new AsyncLocalStorage<string[]>();
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
      log.push(text.replace(/\s+/g, " ").trim());
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** Runs `work`; returns its result and the text of every statement it sent, in order. */
export async function counted<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  install();
  const statements: string[] = [];
  const result = await context.run(statements, work);
  return { result, statements };
}
