/**
 * A staff member's Teams settings, as their console page shows and changes them: whether their Teams
 * chat is linked, and their own switch for cards. Turning cards off holds at send time too: the
 * cards written but not yet sent are withdrawn in the same transaction, which waits for any card
 * being written for them (teams-cards.ts reads the switch FOR SHARE).
 */
import type { Db } from "../../store/prisma.ts";

/** What the console page shows. */
export interface TeamsSettings {
  linked: boolean;
  /** The chat refuses the bot (the app was uninstalled): cards wait until it is installed again. */
  blocked: boolean;
  cards: boolean;
}

/** The staff member's Teams settings. */
export async function teamsSettings(db: Db, staffId: string): Promise<TeamsSettings> {
  const staff = await db.counsellor.findUniqueOrThrow({
    where: { id: staffId },
    select: { teamsCards: true, teamsConversation: { select: { status: true } } },
  });
  const chat = staff.teamsConversation;
  return { linked: chat !== null, blocked: chat?.status === "blocked", cards: staff.teamsCards };
}

/** Turns the staff member's Teams cards on or off; off withdraws their cards still queued. */
export async function setTeamsCards(db: Db, staffId: string, on: boolean): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.counsellor.update({ where: { id: staffId }, data: { teamsCards: on } });
    if (on) return;
    // Only `queued`: a `sending` one may be in Teams' hands already. A queued one a sender holds is
    // not sent: its `sending` mark checks the status (src/outbox/message-store.ts).
    await tx.message.updateMany({
      where: { conversation: { staffId }, status: "queued", idempotencyKey: { startsWith: "teams-card:" } },
      data: { status: "failed", error: "withdrawn: Teams cards turned off" },
    });
  });
}
