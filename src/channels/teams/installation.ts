/**
 * The bot removed from a personal chat (uninstalled, or the person left): the conversation is
 * blocked, as after a Telegram 403, and its pending nudges cancelled; nothing more is sent to it.
 * Installing it again is a conversationUpdate that starts a turn, which makes it active again.
 */
import { markBlocked } from "../../store/blocked.ts";
import type { Db } from "../../store/prisma.ts";

/** Marks the Teams conversation blocked; an unknown conversation is nothing to do. */
export async function markUninstalled(db: Db, externalConversationId: string): Promise<void> {
  const conversation = await db.conversation.findUnique({
    where: { channel_externalConversationId: { channel: "teams", externalConversationId } },
    select: { id: true },
  });
  if (conversation) await markBlocked(db, conversation.id);
}
