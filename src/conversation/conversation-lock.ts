/**
 * One turn at a time per conversation, across every app instance: a Postgres session advisory
 * lock keyed by the conversation id, held on a dedicated connection for the whole turn (load,
 * step, save, send). Two quick taps therefore run one after the other, in arrival order at the
 * lock, even when they reach different instances.
 */
import type pg from "pg";

/** Runs `fn` while holding the lock for `conversationId`; `fn` may query on the lock's connection. */
export async function withConversationLock<T>(
  pool: pg.Pool,
  conversationId: string,
  fn: (connection: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: without ours, a connection lost during
  // the turn ("Connection terminated") is an unhandled 'error' event and ends the process. The
  // turn's next query then fails, and so does the turn.
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on("error", onError);
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [conversationId]);
    try {
      return await fn(client);
    } finally {
      await client
        .query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [conversationId])
        .catch((error: Error) => {
          broken = error;
        });
    }
  } catch (error) {
    broken ??= error as Error;
    throw error;
  } finally {
    // A connection whose unlock failed is destroyed, which releases its locks.
    client.removeListener("error", onError);
    client.release(broken);
  }
}
