/**
 * The turn's part of a handover: open one when the person asked for their counsellor (a button
 * in a flow, the words, text no flow waited for), or pass their message on to the open one. The
 * smallest call site into the handover domain until the core dispatches to registered reactions.
 */
import { noteClientMessage, openHandover } from "../domain/handovers/handovers.ts";
import type { Output } from "../engine/types.ts";
import type { Translator } from "../i18n/translator.ts";
import type { Prisma } from "../store/prisma.ts";
import type { EffectTarget } from "./effects.ts";

/** What the turn does about a person. */
export interface HandoverTurn {
  /** Reasons to open a handover (flow buttons and actions, the words, unexpected text). */
  reasons: string[];
  /** The message is for the person of the open handover (no bot answer). */
  forPerson: boolean;
}

/** Applies it in the turn's transaction; returns messages for the client and nudge timers to sync. */
export async function applyHandoverTurn(
  tx: Prisma.TransactionClient,
  deps: { translator: Translator; timeZone: string },
  target: EffectTarget,
  turn: HandoverTurn,
  now: Date,
): Promise<{ outputs: Output[]; nudgeJobIds: string[]; opened: boolean | null }> {
  if (turn.forPerson) {
    const nudgeJobIds = await noteClientMessage(tx, {
      conversationId: target.conversationId,
      now,
      defaultTimeZone: deps.timeZone,
    });
    return { outputs: [], nudgeJobIds, opened: null };
  }
  const [reason] = turn.reasons;
  if (!reason || !target.clientId) return { outputs: [], nudgeJobIds: [], opened: null };
  const opened = await openHandover(tx, {
    conversationId: target.conversationId,
    clientId: target.clientId,
    reason,
    now,
    locale: target.locale,
    translator: deps.translator,
    defaultTimeZone: deps.timeZone,
  });
  return { outputs: opened.outputs, nudgeJobIds: opened.nudgeJobIds, opened: opened.handoverId !== null };
}
