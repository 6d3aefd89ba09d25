/**
 * Company-visit slots in the conversation: a tap on a slot's button (`jobslot:<alert>:<slot>`)
 * books it in the turn's transaction (company-visits.ts); the reminders' timers are set once the
 * turn is committed. Built with the nudge queue, like the handovers' registrations.
 */
import type { Queue } from "bullmq";
import type { EffectTarget } from "../../conversation/effects.ts";
import { afterEffects, onButton, type TurnRegistration } from "../../conversation/turn-registry.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { syncTimers } from "../../scheduling/nudge-store.ts";
import type { Db } from "../../store/prisma.ts";
import { bookSlot, parseSlotChoice } from "./company-visits.ts";

/** Reminder job ids a turn's booking planned, keyed by the turn's target (one object per turn). */
const planned = new WeakMap<EffectTarget, string[]>();

/** The registrations; `db` and `queue` set the booked appointment's reminder timers after the turn. */
export function visitTurns(db: Db, queue: Queue<NudgeJobData>): TurnRegistration[] {
  return [
    onButton("jobslot", (ctx, choiceId) => {
      const tap = parseSlotChoice(choiceId);
      if (!tap) return false;
      ctx.inTransaction(async (tx) => {
        const booked = await bookSlot(tx, {
          ...tap,
          clientId: ctx.target.clientId,
          now: ctx.now,
          timeZone: ctx.timeZone,
        });
        planned.set(ctx.target, booked.jobIds);
        return booked.outputs;
      });
      return true;
    }),
    // Runs before the button's work in the same transaction; its `after` reads what the work planned.
    // Idle unless a slot is booked, and a booking is the button's work, which the turn writes in
    // its transaction anyway.
    afterEffects(
      async (_tx, ctx) => ({
        outputs: [],
        after: async () => {
          const jobIds = planned.get(ctx.target) ?? [];
          if (jobIds.length) await syncTimers(db, queue, jobIds, ctx.now);
        },
      }),
      () => true,
    ),
  ];
}
