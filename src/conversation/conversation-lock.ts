/**
 * One turn at a time per conversation, across every app instance: a Postgres session advisory
 * lock keyed by the conversation id, held on a dedicated connection for the whole turn (load,
 * step, save, send). Two quick taps therefore run one after the other, in arrival order at the
 * lock, even when they reach different instances. A known person's turn finds its conversation
 * and takes the lock in one statement (`withAddressLock`).
 */
import type pg from "pg";
import type { ChannelName } from "../channels/types.ts";

const LOCK = "SELECT pg_advisory_lock(hashtextextended($1, 0))";
const UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";
/** The conversation at a channel address, locked; no row (and no lock) when there is none yet. */
const FIND_AND_LOCK = `SELECT id, pg_advisory_lock(hashtextextended(id, 0)) AS locked
  FROM "Conversation" WHERE channel = $1::"Channel" AND "externalConversationId" = $2`;

/** Runs `fn` while holding the lock for `conversationId`; `fn` may query on the lock's connection. */
export async function withConversationLock<T>(
  pool: pg.Pool,
  conversationId: string,
  fn: (connection: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const held = await holding(
    pool,
    async (client) => {
      await client.query(LOCK, [conversationId]);
      return conversationId;
    },
    fn,
  );
  return (held as { value: T }).value;
}

/**
 * Runs `fn` while holding the lock of the conversation at this channel address, found and locked
 * in one statement; `undefined` (and `fn` not run) when no conversation has that address yet.
 */
export async function withAddressLock<T>(
  pool: pg.Pool,
  address: { channel: ChannelName; externalConversationId: string },
  fn: (connection: pg.PoolClient, conversationId: string) => Promise<T>,
): Promise<{ value: T } | undefined> {
  return holding(
    pool,
    async (client) => {
      const { rows } = await client.query<{ id: string }>(FIND_AND_LOCK, [
        address.channel,
        address.externalConversationId,
      ]);
      return rows[0]?.id;
    },
    fn,
  );
}

/** Takes a connection and the lock `take` returns the key of (none: nothing held), runs `fn`, unlocks. */
async function holding<T>(
  pool: pg.Pool,
  take: (client: pg.PoolClient) => Promise<string | undefined>,
  fn: (connection: pg.PoolClient, conversationId: string) => Promise<T>,
): Promise<{ value: T } | undefined> {
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
    const key = await take(client);
    if (key === undefined) return undefined;
    try {
      return { value: await fn(client, key) };
    } finally {
      await client.query(UNLOCK, [key]).catch((error: Error) => {
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
