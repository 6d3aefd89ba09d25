/**
 * What a writer of messages to clients needs of the outbox: write in the caller's transaction,
 * dispatch after commit. Domain code and the nudge worker depend on this, not on the outbox itself.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { DbClient } from "../store/prisma.ts";

/** Where rendered messages go: written in the caller's transaction, dispatched after commit. */
export interface OutboxPort {
  write(
    tx: DbClient,
    input: {
      conversationId: string;
      idempotencyKey: string;
      messageKey: string;
      message: OutboundMessage;
      /** The staff member who wrote it (a counsellor's reply), absent for the bot's own. */
      authorStaffId?: string;
    },
  ): Promise<bigint>;
  dispatch(messageIds: readonly bigint[]): Promise<void>;
}
