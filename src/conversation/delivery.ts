/**
 * Sending a turn's replies: through the outbox (src/outbox/), at once and in order, under the
 * conversation's lock. The replies were written `queued` in the turn's transaction; the outbox's
 * senders send each within the channel's limits and write its outcome back to its row. What
 * cannot go within the turn (a 429 pause, Redis down) is sent by the outbox later, still in order.
 */
import type { ConversationAddress, OutboundMessage } from "../channels/types.ts";

/** The part of the outbox a turn uses (OutboundSenders in src/outbox/outbound-senders.ts). */
export interface ReplySender {
  /** The outbox queue the turn's reply rows are written to (Message.queue). */
  readonly queue: string;
  sendNow(messageIds: readonly bigint[]): Promise<void>;
  sendUnstored(conversationId: string, address: ConversationAddress, message: OutboundMessage): Promise<void>;
}

export interface QueuedReply {
  /** Message row id; undefined for a reply that must not be stored (the goodbye after erasure). */
  messageId?: bigint;
  message: OutboundMessage;
}

/** Sends `replies` in order; a stored reply's outcome is on its Message row. */
export async function deliverReplies(
  deps: { replies: ReplySender },
  conversationId: string,
  address: ConversationAddress,
  replies: readonly QueuedReply[],
): Promise<void> {
  for (const reply of replies) {
    if (reply.messageId === undefined)
      await deps.replies.sendUnstored(conversationId, address, reply.message);
  }
  const stored = replies.flatMap((reply) => (reply.messageId === undefined ? [] : [reply.messageId]));
  if (stored.length) await deps.replies.sendNow(stored);
}
