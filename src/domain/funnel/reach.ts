/**
 * The funnel's `reached`: a conversation that starts onboarding adds one to its programme's count
 * for the day, before any consent. Nothing about the person is kept: the count has no link to the
 * conversation, and the conversation only remembers that it was counted (so that a second /start
 * does not count twice). The programme is the one the client would join: the invite code's, else
 * the default intake; a conversation with neither is counted nowhere.
 */
import { DateTime } from "luxon";
import type { DbClient } from "../../store/prisma.ts";
import { defaultIntakeProgramme } from "../cases/client-linking.ts";
import { resolveInvite } from "../cases/invites.ts";

/** Counts `conversationId` as reached (once per conversation). Run it in the turn's transaction. */
export async function recordReach(
  db: DbClient,
  input: { conversationId: string; inviteCode: string | null; now: Date },
): Promise<void> {
  const first = await db.conversation.updateMany({
    where: { id: input.conversationId, reachCounted: false },
    data: { reachCounted: true },
  });
  if (first.count === 0) return;
  const programme = await reachedProgramme(db, input.inviteCode);
  if (!programme) return;
  const day = DateTime.fromJSDate(input.now, { zone: programme.timezone }).toISODate() as string;
  const key = { programmeId: programme.id, day: new Date(`${day}T00:00:00Z`) };
  await db.programmeReach.upsert({
    where: { programmeId_day: key },
    create: { ...key, count: 1 },
    update: { count: { increment: 1 } },
  });
}

async function reachedProgramme(
  db: DbClient,
  inviteCode: string | null,
): Promise<{ id: string; timezone: string } | null> {
  const invite = inviteCode ? await resolveInvite(db, inviteCode) : null;
  if (invite && invite.kind !== "unknown") {
    return db.programme.findUnique({
      where: { id: invite.programmeId },
      select: { id: true, timezone: true },
    });
  }
  return defaultIntakeProgramme(db);
}
