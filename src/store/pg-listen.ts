/**
 * Postgres LISTEN on one dedicated connection: what the inbox's live views (inbox-events.ts) and
 * the Teams card worker (teams-card-worker.ts) hear of changes by. A NOTIFY sent in a writer's
 * transaction is delivered when it commits, never for one that rolled back, to every connection
 * listening on its channel.
 */
import type pg from "pg";

/** Channel names are ours, written into the statement: plain lower-case words only. */
const CHANNEL_NAME = /^[a-z][a-z_]*$/;

/**
 * Listens on `channel` and calls `onNotice` with each notice's payload (possibly empty). Returns
 * a function that stops listening and releases the connection. The connection is checked out for
 * as long as it listens, so its loss (the backend terminated, a failover) is ours to notice:
 * `onLost` is called once and the broken connection goes back to the pool to be thrown away. The
 * pool must give its clients an 'error' listener from the start (pg-pool.ts).
 */
export async function listenChannel(
  pool: pg.Pool,
  channel: string,
  onNotice: (payload: string) => void,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  const client = await pool.connect();
  let held = true;
  const handler = (message: pg.Notification) => {
    if (message.channel === channel) onNotice(message.payload ?? "");
  };
  const detach = () => {
    client.off("notification", handler);
    client.off("error", lost);
    client.off("end", ended);
  };
  const lost = (error: Error) => {
    if (!held) return;
    held = false;
    detach();
    client.release(error);
    onLost(error);
  };
  const ended = () => lost(new Error(`The ${channel} listener's connection ended.`));
  client.on("notification", handler);
  client.on("error", lost);
  client.on("end", ended);
  try {
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    if (held) {
      held = false;
      detach();
      client.release(error as Error);
    }
    throw error;
  }
  return async () => {
    if (!held) return;
    held = false;
    detach();
    await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
    client.release();
  };
}
