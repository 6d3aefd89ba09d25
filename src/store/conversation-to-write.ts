/**
 * Which conversation a message to a client goes to, when nobody is waiting for an answer
 * (notices, reminders, check-ins, job alerts, digests, broadcasts): the one rule, in one place
 * (docs/decisions/0013-conversation-to-write.md). A client on two channels (/link) is written to
 * where they wrote last; if that one blocked the bot (Teams uninstalled, Telegram blocked), the
 * other one that is active. Opting out in the one used last stops both: it is what they said last.
 */
import type { ConversationStatus } from "../generated/prisma/client.ts";
import type { DbClient, Prisma } from "./prisma.ts";

/** The order that rule reads a client's conversations in: last written from first. */
export const BY_LAST_USE: Prisma.ConversationOrderByWithRelationInput[] = [
  { lastInboundAt: { sort: "desc", nulls: "last" } },
  { createdAt: "desc" },
];

/** How many of a client's conversations the rule looks at (one per channel, in practice). */
export const CONVERSATIONS_LOOKED_AT = 5;

/** A conversation as the rule sees it. */
export interface WritableConversation {
  id: string;
  status: ConversationStatus;
  locale: string | null;
}

/** The answer: a conversation to write to, or why there is none ("no conversation", "conversation opted_out", …). */
export type ConversationToWrite = WritableConversation | { notSent: string };

/** The rule itself, over a client's conversations in `BY_LAST_USE` order. */
export function pickConversationToWrite<C extends WritableConversation>(
  conversations: readonly C[],
): C | { notSent: string } {
  const latest = conversations[0];
  if (!latest) return { notSent: "no conversation" };
  const chosen = latest.status === "blocked" ? conversations.find((c) => c.status === "active") : latest;
  if (chosen?.status !== "active") return { notSent: `conversation ${latest.status}` };
  return chosen;
}

/** The conversation to write to for `clientId`. */
export async function conversationToWrite(db: DbClient, clientId: string): Promise<ConversationToWrite> {
  const conversations = await db.conversation.findMany({
    where: { clientId },
    orderBy: BY_LAST_USE,
    take: CONVERSATIONS_LOOKED_AT,
    select: { id: true, status: true, locale: true },
  });
  return pickConversationToWrite(conversations);
}
