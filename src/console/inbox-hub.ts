/**
 * One LISTEN on `inbox` per app for the console's live views, on the process's LISTEN connection
 * (store/pg-listen.ts): every inbox change (handover opened, client wrote, answered, handed back,
 * flagged) is passed to the streams of the same organisation. Listened with the first stream,
 * ended with the app.
 */
import type { FastifyInstance } from "fastify";
import { type InboxChange, listenInboxChanges } from "../domain/handovers/inbox-events.ts";
import { loggableError } from "../logger.ts";
import type { Unlisten } from "../store/pg-listen.ts";

/** One live view's ears: `change` for each change of its organisation, `lost` once if the feed broke. */
export interface InboxListener {
  change(change: InboxChange): void;
  /** The LISTEN connection was lost: changes may have been missed, the view should start again. */
  lost(): void;
}

export interface InboxHub {
  /** Calls `listener` for changes of `organisationId`; returns the unsubscribe function. */
  subscribe(organisationId: string, listener: InboxListener): Promise<() => void>;
}

const hubs = new WeakMap<FastifyInstance, InboxHub>();

/** The app's hub: made when the pages register (its LISTEN opens with the first stream, ends with the app). */
export function inboxHub(http: FastifyInstance): InboxHub {
  const existing = hubs.get(http);
  if (existing) return existing;
  return createHub(http);
}

/**
 * The LISTEN is opened by the first subscriber and again by the first one after it was lost or
 * failed to open; a lost connection tells every subscriber (their streams close, htmx reconnects).
 */
function createHub(http: FastifyInstance): InboxHub {
  const { pgListen, logger } = http.consoleContext;
  const listeners = new Map<string, Set<InboxListener>>();
  let feed: Promise<Unlisten> | undefined;
  const warn = (message: string) => (error: Error) => logger.warn({ err: loggableError(error) }, message);
  const dispatch = (change: InboxChange) => {
    for (const l of listeners.get(change.organisationId) ?? []) l.change(change);
  };
  const open = (): Promise<Unlisten> => {
    const opening: Promise<Unlisten> = listenInboxChanges(pgListen, dispatch, (error) => {
      if (feed !== opening) return;
      warn("inbox listener lost; listening again with the next stream")(error);
      feed = undefined;
      const lost = [...listeners.values()].flatMap((set) => [...set]);
      listeners.clear();
      for (const l of lost) l.lost();
    });
    opening.catch(() => {
      if (feed === opening) feed = undefined;
    });
    return opening;
  };
  http.addHook("onClose", async () => {
    const unlisten = await feed?.catch(() => undefined);
    feed = undefined;
    await unlisten?.().catch(() => undefined);
  });
  const hub: InboxHub = {
    async subscribe(organisationId, listener) {
      feed ??= open();
      await feed;
      const set = listeners.get(organisationId) ?? new Set<InboxListener>();
      set.add(listener);
      listeners.set(organisationId, set);
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(organisationId) === set) listeners.delete(organisationId);
      };
    },
  };
  hubs.set(http, hub);
  return hub;
}
