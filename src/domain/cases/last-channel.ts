/**
 * The channel a case's client wrote on last (Telegram, Teams, web chat): where proactive messages
 * go (conversationForCase follows the same order), and what the console shows beside the client.
 */
import type { ChannelName } from "../../channels/types.ts";
import { BY_LAST_USE } from "../../store/conversation-to-write.ts";
import type { DbClient } from "../../store/prisma.ts";

/** The channel of the client's most recently used conversation, or null before the first message. */
export async function lastChannel(db: DbClient, caseId: string): Promise<ChannelName | null> {
  const found = await db.case.findUnique({ where: { id: caseId }, select: { clientId: true } });
  if (!found?.clientId) return null;
  const conversation = await db.conversation.findFirst({
    where: { clientId: found.clientId },
    orderBy: BY_LAST_USE,
    select: { channel: true },
  });
  return (conversation?.channel as ChannelName | undefined) ?? null;
}

/** The channel each client wrote on last, for many at once (the inbox): clientId → channel. */
export async function lastChannelsOfClients(
  db: DbClient,
  clientIds: readonly string[],
): Promise<Map<string, ChannelName>> {
  const found = new Map<string, ChannelName>();
  if (!clientIds.length) return found;
  const conversations = await db.conversation.findMany({
    where: { clientId: { in: [...new Set(clientIds)] } },
    orderBy: BY_LAST_USE,
    select: { clientId: true, channel: true },
  });
  for (const c of conversations)
    if (c.clientId && !found.has(c.clientId)) found.set(c.clientId, c.channel as ChannelName);
  return found;
}
