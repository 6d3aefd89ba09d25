/**
 * The process's one Postgres LISTEN connection (app/stores.ts opens it), shared by everything
 * that hears of changes by NOTIFY: the inbox's live views (inbox-events.ts) and the Teams card
 * worker (card-task-events.ts). Each channel is listened on once on it, however many listen; a
 * notice goes to every listener of its channel. A NOTIFY sent in a writer's transaction is
 * delivered when it commits, never for one that rolled back, to every connection listening.
 */
import type pg from "pg";
import { createPgPool } from "./pg-pool.ts";

/** Channel names are ours, written into the statement: plain lower-case words only. */
const CHANNEL_NAME = /^[a-z][a-z_]*$/;

/** Stops one listener (the channel's LISTEN goes with its last one). */
export type Unlisten = () => Promise<void>;

export interface PgListen {
  /**
   * Calls `onNotice` with each notice's payload (possibly empty) on `channel`. Opens the connection
   * when none is open: the first listener after a loss opens it again, once, for all who listen
   * then. When the connection is lost (its backend terminated, a failover), every listener's
   * `onLost` is called once and its listening has ended: what is sent before it listens again is
   * missed. Rejects when the connection cannot be opened or the LISTEN fails (no `onLost` then).
   */
  listen(
    channel: string,
    onNotice: (payload: string) => void,
    onLost: (error: Error) => void,
  ): Promise<Unlisten>;
  /** Ends the connection (the process stops): listeners are not told. */
  close(): Promise<void>;
}

type Listener = { notice(payload: string): void; lost(error: Error): void };
type Channel = { listeners: Set<Listener>; ready: Promise<unknown> };
/** One connection as held: its channels, and whether it is lost (or closed). */
type Line = { client: pg.PoolClient; channels: Map<string, Channel>; lost: boolean; drop(): void };

/** The LISTEN connection to `databaseUrl`; `onError` hears of every connection error (to log it). */
export function createPgListen(databaseUrl: string, onError: (error: Error) => void): PgListen {
  // pg-pool.ts: the client has an 'error' listener from its first packet on.
  const pool = createPgPool({ connectionString: databaseUrl, max: 1 }, onError);
  let line: Promise<Line> | undefined; // opening or open
  let active: Line | undefined; // open
  let closed = false;

  const open = async (): Promise<Line> => {
    const client = await pool.connect();
    const held: Line = { client, channels: new Map(), lost: false, drop: () => undefined };
    const notice = (message: pg.Notification) => {
      for (const l of [...(held.channels.get(message.channel)?.listeners ?? [])])
        l.notice(message.payload ?? "");
    };
    const lost = (error: Error) => {
      if (held.lost) return;
      held.drop();
      client.release(error); // thrown away by the pool
      const everyone = [...held.channels.values()].flatMap((c) => [...c.listeners]);
      held.channels.clear();
      for (const l of everyone) l.lost(error);
    };
    const ended = () => lost(new Error("The LISTEN connection ended."));
    held.drop = () => {
      held.lost = true;
      if (active === held) [active, line] = [undefined, undefined];
      client.off("notification", notice);
      client.off("error", lost);
      client.off("end", ended);
    };
    client.on("notification", notice);
    client.on("error", lost);
    client.on("end", ended);
    active = held;
    return held;
  };
  const current = (): Promise<Line> => {
    if (line) return line;
    const opening = open();
    line = opening;
    opening.catch(() => {
      if (line === opening) line = undefined;
    });
    return opening;
  };

  return {
    async listen(channel, onNotice, onLost) {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      if (closed) throw new Error("The LISTEN connection is closed.");
      const held = await current();
      if (held.lost) throw new Error("The LISTEN connection was lost before listening.");
      let listening = false;
      const listener: Listener = {
        notice: (payload) => listening && onNotice(payload),
        lost: (error) => listening && onLost(error),
      };
      let entry = held.channels.get(channel);
      if (!entry) {
        entry = { listeners: new Set(), ready: held.client.query(`LISTEN ${channel}`) };
        held.channels.set(channel, entry);
      }
      entry.listeners.add(listener);
      const ready = await entry.ready.then(
        () => !held.lost,
        () => false,
      );
      if (!ready) {
        entry.listeners.delete(listener);
        if (!entry.listeners.size && held.channels.get(channel) === entry) held.channels.delete(channel);
        throw new Error(`LISTEN ${channel} failed: the connection was lost or refused it.`);
      }
      listening = true;
      const joined = entry;
      return async () => {
        listening = false;
        if (!joined.listeners.delete(listener) || joined.listeners.size || held.lost) return;
        if (held.channels.get(channel) !== joined) return;
        // Deleted and UNLISTEN queued in one step: a LISTEN asked for after it is queued after it.
        held.channels.delete(channel);
        await held.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      const held = await line?.catch(() => undefined);
      if (held && !held.lost) {
        held.drop();
        held.client.release(true);
      }
      await pool.end().catch(() => undefined);
    },
  };
}
