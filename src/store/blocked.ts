/**
 * A conversation that blocked the bot (a Telegram 403, the Teams app removed): marked blocked and
 * its pending nudges cancelled, in one transaction with `also` (the outbox: the failed message).
 * Nothing more is sent to it until the person writes again.
 */
import type { Db, Prisma } from "./prisma.ts";

export async function markBlocked(
  db: Db,
  conversationId: string,
  also: Prisma.PrismaPromise<unknown>[] = [],
): Promise<void> {
  await db.$transaction([
    db.conversation.updateMany({ where: { id: conversationId }, data: { status: "blocked" } }),
    db.nudge.updateMany({
      where: { conversationId, status: "pending" },
      data: { status: "cancelled", reason: "blocked" },
    }),
    ...also,
  ]);
}
