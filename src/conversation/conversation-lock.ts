/**
 * One turn at a time per conversation, across every app instance: a Postgres session advisory
 * lock keyed by the conversation id, held on a dedicated connection for the whole turn (load,
 * step, save, send). Two quick taps therefore run one after the other, in arrival order at the
 * lock, even when they reach different instances. A turn finds its conversation by its channel
 * address — or creates it, for a new person — and takes the lock in one statement
 * (`withAddressLock`).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { ChannelName } from "../channels/types.ts";
import { prepared } from "../store/prepared.ts";

/** A conversation's channel address, with what a new person's first message stores with it. */
export interface ConversationAt {
  channel: ChannelName;
  externalConversationId: string;
  externalUserId: string;
  /** Teams: the conversation reference and tenant. */
  reference?: unknown;
  tenantId?: string;
}

const UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";
/** The conversation at a channel address, locked; no row (and no lock) when there is none. */
const FIND_AND_LOCK = `SELECT id, pg_advisory_lock(hashtextextended(id, 0)) AS locked
  FROM "Conversation" WHERE channel = $1::"Channel" AND "externalConversationId" = $2`;
/**
 * The conversation at a channel address, created when there is none, and locked. No row when
 * another session created it after this statement's snapshot was taken (two first messages of
 * one person): the insert then does nothing, and the row is invisible here, so it is found again
 * (FIND_AND_LOCK, a new snapshot). A new row's lock is free: nobody else knows its id yet.
 * `createdAt` is written as UTC, like Prisma's (the column has no time zone).
 */
const FIND_OR_CREATE_AND_LOCK = `
WITH found AS (
  SELECT id FROM "Conversation" WHERE channel = $1::"Channel" AND "externalConversationId" = $2
), created AS (
  INSERT INTO "Conversation" (id, channel, "externalConversationId", "externalUserId", reference, "tenantId", "createdAt")
  SELECT $3::text, $1::"Channel", $2::text, $4::text, $5::jsonb, $6::text, $7::timestamp
   WHERE NOT EXISTS (SELECT 1 FROM found)
  ON CONFLICT (channel, "externalConversationId") DO NOTHING
  RETURNING id
)
SELECT id, pg_advisory_lock(hashtextextended(id, 0)) AS locked
  FROM (SELECT id FROM found UNION ALL SELECT id FROM created) AS conversation`;

/**
 * Runs `fn` while holding the lock of the conversation at this address, found — or created —
 * and locked in one statement; `fn` may query on the lock's connection. `undefined` (`fn` not
 * run) only when the conversation another message created first was erased before it was found.
 */
export async function withAddressLock<T>(
  pool: pg.Pool,
  at: ConversationAt,
  fn: (connection: pg.PoolClient, conversationId: string) => Promise<T>,
): Promise<{ value: T } | undefined> {
  return holding(pool, (client) => findOrCreate(client, at), fn);
}

async function findOrCreate(client: pg.ClientBase, at: ConversationAt): Promise<string | undefined> {
  const address = [at.channel, at.externalConversationId];
  const reference = at.reference === undefined ? null : JSON.stringify(at.reference);
  const created = await client.query<{ id: string }>(
    prepared(FIND_OR_CREATE_AND_LOCK, [
      ...address,
      randomUUID(),
      at.externalUserId,
      reference,
      at.tenantId ?? null,
      new Date().toISOString(),
    ]),
  );
  if (created.rows[0]) return created.rows[0].id;
  const found = await client.query<{ id: string }>(prepared(FIND_AND_LOCK, address));
  return found.rows[0]?.id;
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
      await client.query(prepared(UNLOCK, [key])).catch((error: Error) => {
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
