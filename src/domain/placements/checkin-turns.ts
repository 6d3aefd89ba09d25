/**
 * Check-ins in the conversation: a mood tap ("checkin:<id>:<1-5>") is stored and, on the client's
 * own check-in, starts the follow-up flow; the follow-up's answers are stored when it completes.
 */
import { onButton, onFlowCompleted } from "../../conversation/turn-registry.ts";
import type { Db } from "../../store/prisma.ts";
import { CHECKIN_FLOW, parseMoodChoice } from "./checkin-messages.ts";
import { completeCheckIn, recordMood } from "./checkins.ts";

/** Whether the check-in belongs to this client's case (a tap on someone else's button does nothing). */
async function ownsCheckIn(db: Db, clientId: string | null, checkInId: string): Promise<boolean> {
  if (!clientId) return false;
  const found = await db.checkIn.findFirst({
    where: { id: checkInId, placement: { case: { clientId } } },
    select: { id: true },
  });
  return found !== null;
}

export const checkInTurns = [
  onButton("checkin", async (ctx, choiceId) => {
    const tap = parseMoodChoice(choiceId);
    if (!tap) return false;
    ctx.inTransaction(
      async (tx) => (await recordMood(tx, { ...tap, clientId: ctx.target.clientId, now: ctx.now })).outputs,
    );
    if (await ownsCheckIn(ctx.db, ctx.target.clientId, tap.checkInId)) {
      ctx.stack.start(CHECKIN_FLOW, { mood: tap.mood, checkin_id: tap.checkInId });
    }
    return true;
  }),
  onFlowCompleted(CHECKIN_FLOW, async (tx, { vars, answers }) => {
    if (typeof vars.checkin_id === "string") await completeCheckIn(tx, vars.checkin_id, answers);
    return undefined;
  }),
];
