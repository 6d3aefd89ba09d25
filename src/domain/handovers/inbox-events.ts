/**
 * Telling open inboxes that something changed (a handover opened, a client wrote, one was handed
 * back): a Postgres NOTIFY on channel `inbox`, sent in the writer's transaction, so it is
 * delivered on commit and never for a change that rolled back, to every app instance listening.
 * The payload holds ids only.
 */
import { z } from "zod";
import type { PgListen, Unlisten } from "../../store/pg-listen.ts";
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
 * Calls `onChange` for each notice on `inbox` (store/pg-listen.ts: the process's LISTEN
 * connection; `onLost` once if it is lost). Returns a function that stops listening.
 */
export function listenInboxChanges(
  pgListen: PgListen,
  onChange: (change: InboxChange) => void,
  onLost: (error: Error) => void,
): Promise<Unlisten> {
  const notice = (payload: string) => {
    if (!payload) return;
    try {
      const parsed = changeSchema.safeParse(JSON.parse(payload));
      if (parsed.success) onChange(parsed.data);
    } catch {
      // Not ours: ignore.
    }
  };
  return pgListen.listen(INBOX_CHANNEL, notice, onLost);
}
