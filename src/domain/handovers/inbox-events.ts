/**
 * Telling open inboxes that something changed (a handover opened, a client wrote, one was handed
 * back): a Postgres NOTIFY on channel `inbox`, sent in the writer's transaction, so it is
 * delivered on commit and never for a change that rolled back, to every app instance listening.
 * The payload holds ids only.
 */
import type pg from "pg";
import { z } from "zod";
import type { Prisma } from "../../store/prisma.ts";

export const INBOX_CHANNEL = "inbox";

/** What changed, for whom. */
export interface InboxChange {
  organisationId: string;
  handoverId: string;
}

const changeSchema = z.object({ organisationId: z.string(), handoverId: z.string() });

/** Queues the notice in the transaction (delivered when it commits). */
export async function publishInboxChange(tx: Prisma.TransactionClient, change: InboxChange): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${INBOX_CHANNEL}, ${JSON.stringify(change)})`;
}

/**
 * Listens on one dedicated connection and calls `onChange` for each notice. Returns a function
 * that stops listening and releases the connection. The connection is checked out for as long as
 * it listens, so its loss (the backend terminated, a failover) is ours to notice: `onLost` is
 * called once and the broken connection goes back to the pool to be thrown away. The pool must
 * give its clients an 'error' listener from the start (store/pg-pool.ts).
 */
export async function listenInboxChanges(
  pool: pg.Pool,
  onChange: (change: InboxChange) => void,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  const client = await pool.connect();
  let held = true;
  const handler = (message: pg.Notification) => {
    if (message.channel !== INBOX_CHANNEL || !message.payload) return;
    try {
      const parsed = changeSchema.safeParse(JSON.parse(message.payload));
      if (parsed.success) onChange(parsed.data);
    } catch {
      // Not ours: ignore.
    }
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
  const ended = () => lost(new Error("The inbox listener's connection ended."));
  client.on("notification", handler);
  client.on("error", lost);
  client.on("end", ended);
  try {
    await client.query(`LISTEN ${INBOX_CHANNEL}`);
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
    await client.query(`UNLISTEN ${INBOX_CHANNEL}`).catch(() => undefined);
    client.release();
  };
}
