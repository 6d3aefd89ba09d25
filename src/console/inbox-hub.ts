/**
 * One LISTEN connection per app for the console's live views: every inbox change (handover
 * opened, client wrote, answered, handed back, flagged) is passed to the streams of the same
 * organisation. Opened with the first stream, closed with the app.
 */
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { type InboxChange, listenInboxChanges } from "../domain/handovers/inbox-events.ts";

type Listener = (change: InboxChange) => void;

export interface InboxHub {
  /** Calls `listener` for changes of `organisationId`; returns the unsubscribe function. */
  subscribe(organisationId: string, listener: Listener): Promise<() => void>;
}

const hubs = new WeakMap<FastifyInstance, InboxHub>();

/** The app's hub: made when the pages register (its LISTEN opens with the first stream, ends with the app). */
export function inboxHub(http: FastifyInstance): InboxHub {
  const existing = hubs.get(http);
  if (existing) return existing;
  return createHub(http);
}

function createHub(http: FastifyInstance): InboxHub {
  const listeners = new Map<string, Set<Listener>>();
  let started: Promise<void> | undefined;
  let stop: (() => Promise<void>) | undefined;
  const pool = new pg.Pool({ connectionString: http.consoleContext.config.DATABASE_URL, max: 1 });
  pool.on("error", (error) =>
    http.consoleContext.logger.warn({ err: { message: error.message } }, "inbox listener failed"),
  );
  http.addHook("onClose", async () => {
    await stop?.().catch(() => undefined);
    await pool.end().catch(() => undefined);
  });
  const hub: InboxHub = {
    async subscribe(organisationId, listener) {
      started ??= listenInboxChanges(pool, (change) => {
        for (const l of listeners.get(change.organisationId) ?? []) l(change);
      }).then((unlisten) => {
        stop = unlisten;
      });
      await started;
      const set = listeners.get(organisationId) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(organisationId, set);
      return () => {
        set.delete(listener);
      };
    },
  };
  hubs.set(http, hub);
  return hub;
}
