/**
 * Sending a turn's replies, in order, through the conversation's channel, and writing each
 * outcome back to its Message row (sent with the platform's id, or failed with the reason).
 * A 403 from the platform marks the conversation blocked: nothing more is sent to it.
 */
import type { ChannelName, ChannelSender, ConversationAddress, OutboundMessage } from "../channels/types.ts";
import { SendError } from "../channels/types.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";

export interface QueuedReply {
  /** Message row id; undefined for replies that must not be stored (after erasure). */
  messageId?: bigint;
  message: OutboundMessage;
}

/** Sends `replies` in order; stops at the first failure (later replies would arrive out of order). */
export async function deliverReplies(
  deps: { db: Db; senders: ReadonlyMap<ChannelName, ChannelSender>; logger: Logger },
  conversationId: string,
  address: ConversationAddress,
  replies: readonly QueuedReply[],
): Promise<void> {
  const sender = deps.senders.get(address.channel);
  for (const [index, reply] of replies.entries()) {
    if (!sender) {
      await markFailed(deps.db, replies.slice(index), `channel ${address.channel} is not configured`);
      deps.logger.error({ conversationId, channel: address.channel }, "no sender for channel");
      return;
    }
    try {
      const result = await sender.send(address, reply.message);
      if (reply.messageId !== undefined) {
        await deps.db.message.update({
          where: { id: reply.messageId },
          data: { status: "sent", channelMessageId: result.externalMessageId, sentAt: new Date() },
        });
      }
    } catch (error) {
      const kind = error instanceof SendError ? error.kind : "transient";
      deps.logger.warn(
        { conversationId, kind, messageId: reply.messageId?.toString() },
        "reply not delivered",
      );
      await markFailed(
        deps.db,
        replies.slice(index, index + 1),
        `${kind}: ${(error as Error).message}`.slice(0, 500),
      );
      await markFailed(deps.db, replies.slice(index + 1), "not sent: an earlier reply failed");
      if (kind === "blocked") {
        await deps.db.conversation.updateMany({ where: { id: conversationId }, data: { status: "blocked" } });
      }
      return;
    }
  }
}

async function markFailed(db: Db, replies: readonly QueuedReply[], reason: string): Promise<void> {
  const ids = replies.map((r) => r.messageId).filter((id): id is bigint => id !== undefined);
  if (ids.length)
    await db.message.updateMany({ where: { id: { in: ids } }, data: { status: "failed", error: reason } });
}
