/**
 * pg pools whose every client has an 'error' listener for its whole life. pg-pool listens only
 * while a client is idle; a checked-out client without one of ours ends the process on a lost
 * connection ("Unhandled 'error' event"). There is even a window no caller can close: a backend
 * terminated just as it connects sends "ready" and the fatal error in one packet, and the error
 * is emitted before the caller's `await pool.connect()` has resumed. So the listener goes on at
 * 'connect', before anyone holds the client; the query on a broken client then fails on its own.
 */
import pg from "pg";

/** A pool on `options` whose clients and idle clients report errors to `onError`, never throw. */
export function createPgPool(options: pg.PoolConfig, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: 5000, ...options });
  pool.on("error", onError);
  pool.on("connect", (client) => {
    client.on("error", onError);
  });
  return pool;
}
