/**
 * Sending a turn's replies: through the outbox (src/outbox/), at once and in order, under the
 * conversation's lock. The replies were written `queued` in the turn's transaction; the outbox's
 * senders send each within the channel's limits and write its outcome back to its row. What
 * cannot go within the turn (a 429 pause, Redis down) is sent by the outbox later, still in order.
 */
import type { ConversationAddress, OutboundMessage } from "../channels/types.ts";

/** The part of the outbox a turn uses (OutboundSenders in src/outbox/outbound-senders.ts). */
export interface ReplySender {
  /**
   * Fields for the turn's reply rows: the outbox queue, and a lease held by the turn, so no sender
   * loop takes them before the turn sends them itself (the lease lapses if the process dies).
   */
  hold(): ReplyHold;
  /**
   * Sends the turn's stored replies, held with `hold.leaseToken`, now and in order; first the
   * chat's `earlier` queued messages when the turn read them (else the outbox looks them up).
   */
  sendNow(
    messageIds: readonly bigint[],
    leaseToken: string,
    chat: { conversationId: string; address: ConversationAddress },
    earlier?: readonly bigint[],
  ): Promise<void>;
  sendUnstored(conversationId: string, address: ConversationAddress, message: OutboundMessage): Promise<void>;
}

export interface ReplyHold {
  queue: string;
  leaseToken: string;
  leaseUntil: Date;
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
  hold?: ReplyHold,
  earlier?: readonly bigint[],
): Promise<void> {
  for (const reply of replies) {
    if (reply.messageId === undefined)
      await deps.replies.sendUnstored(conversationId, address, reply.message);
  }
  const stored = replies.flatMap((reply) => (reply.messageId === undefined ? [] : [reply.messageId]));
  if (stored.length && hold)
    await deps.replies.sendNow(stored, hold.leaseToken, { conversationId, address }, earlier);
}
