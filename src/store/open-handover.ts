/**
 * A handover is the client's, not one conversation's (docs/decisions/0020-one-handover-per-client.md):
 * a client linked on two channels (Telegram and Teams, or web chat) who asks for a person in
 * either waits in one handover, and the bot waits for the person in both. These are the one way
 * to find it, and the lock that keeps two requests arriving at once on two channels from opening
 * two (each turn holds only its own conversation's lock). The partial unique index
 * "Handover_one_open_per_client_idx" is the guarantee behind them.
 */
import type { Handover } from "../generated/prisma/client.ts";
import type { DbClient, Prisma } from "./prisma.ts";

/** Whose handover: a conversation and its client (none yet: the conversation's own, as before). */
export interface HandoverOwner {
  conversationId: string;
  clientId: string | null;
}

/** The where-clause of the owner's open handover: the client's, from any of their conversations. */
export function openHandoverWhere(owner: HandoverOwner): Prisma.HandoverWhereInput {
  return owner.clientId
    ? { clientId: owner.clientId, status: "open" }
    : { conversationId: owner.conversationId, status: "open" };
}

/** The owner's open handover, if any. */
export function findOpenHandover(tx: DbClient, owner: HandoverOwner): Promise<Handover | null> {
  return tx.handover.findFirst({ where: openHandoverWhere(owner) });
}

/** The open handover of the client behind `conversationId`, if any (for code that knows only the conversation). */
export async function openHandoverOfConversation(
  tx: DbClient,
  conversationId: string,
): Promise<Handover | null> {
  const conversation = await tx.conversation.findUnique({
    where: { id: conversationId },
    select: { clientId: true },
  });
  return findOpenHandover(tx, { conversationId, clientId: conversation?.clientId ?? null });
}

/**
 * Until the transaction ends, no other transaction opens a handover for this client: the second
 * of two requests arriving at once waits here, then finds the first one's handover and joins it.
 */
export async function lockClientHandovers(tx: DbClient, clientId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`handover:${clientId}`}, 0))`;
}
