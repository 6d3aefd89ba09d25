/**
 * Handovers in the conversation: asking for a person (a flow's notify_counsellor, the words, text
 * no question waited for) opens one, or joins the client's open one; while one is open, the
 * client's text in any of their conversations is for the person and the bot does not answer. Built with the nudge queue, whose timers are set after the replies.
 */
import type { Queue } from "bullmq";
import type { EffectTarget } from "../../conversation/effects.ts";
import {
  afterEffects,
  beforeFlow,
  onEffect,
  onUnhandled,
  type TurnContext,
  type TurnRegistration,
} from "../../conversation/turn-registry.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { syncTimers } from "../../scheduling/nudge-store.ts";
import type { Db } from "../../store/prisma.ts";
import { readRows } from "../../store/sql-read.ts";
import { asksForPerson } from "./handover-words.ts";
import { noteClientMessage, openHandover } from "./handovers.ts";

/** What this turn does about a person. */
interface HandoverTurn {
  /** Reasons to open a handover (flow actions first, then the words or unexpected text). */
  reasons: string[];
  /** The message is for the person of the open handover (no bot answer). */
  forPerson: boolean;
}

/** Per turn, keyed by the turn's target (one object per turn). */
const turns = new WeakMap<EffectTarget, HandoverTurn>();
const turnOf = (target: EffectTarget): HandoverTurn => {
  const known = turns.get(target);
  if (known) return known;
  const turn: HandoverTurn = { reasons: [], forPerson: false };
  turns.set(target, turn);
  return turn;
};

/** Nothing for a person in this turn: the afterEffects handler below would do nothing. */
const idleTurn = (ctx: TurnContext): boolean => {
  const turn = turnOf(ctx.target);
  return !turn.forPerson && (!turn.reasons.length || !ctx.target.clientId);
};

/** The reasons a turn collected so far (for tests). */
export const handoverReasonsOf = (target: EffectTarget): readonly string[] => turnOf(target).reasons;

/** `/counsellor` ("🙋 Ask my counsellor" in the menu): asks for a person, as the words do. */
export function counsellorCommand(ctx: TurnContext): void {
  if (ctx.consented) turnOf(ctx.target).reasons.push("menu");
  else ctx.reply({ key: "handover.no_one" });
}

/** The registrations; `db` and `queue` set the handover's nudge timers once the replies are sent. */
export function handoverTurns(db: Db, queue: Queue<NudgeJobData>, timeZone: string): TurnRegistration[] {
  return [
    beforeFlow(async (ctx) => {
      const text = ctx.message.choiceId ? undefined : ctx.message.text;
      if (!ctx.consented || text === undefined) return false;
      // Every text of a consented client asks this: plain SQL on the turn's connection, not Prisma.
      // The client's handover, asked for in any of their conversations (store/open-handover.ts).
      const { clientId, conversationId } = ctx.target;
      const open = await readRows(
        ctx.connection,
        clientId
          ? `SELECT 1 FROM "Handover" WHERE "clientId" = $1 AND status = 'open' LIMIT 1`
          : `SELECT 1 FROM "Handover" WHERE "conversationId" = $1 AND status = 'open' LIMIT 1`,
        [clientId ?? conversationId],
      );
      // A person is answering: the words are for them, and the bot does not interrupt.
      if (open.length) turnOf(ctx.target).forPerson = true;
      else if (asksForPerson(text, ctx.translator)) turnOf(ctx.target).reasons.push("words");
      else return false;
      return true;
    }),
    onUnhandled((ctx) => {
      // Text no question was waiting for: a person reads it rather than the bot saying "type /help".
      if (!ctx.consented || ctx.message.choiceId || ctx.message.text === undefined) return false;
      turnOf(ctx.target).reasons.push("free_text");
      return true;
    }),
    onEffect("notify_counsellor", async (_tx, target, effect) => {
      turnOf(target).reasons.unshift(effect.reason);
      return undefined;
    }),
    afterEffects(async (tx, ctx) => {
      const turn = turnOf(ctx.target);
      const target = ctx.target;
      const sync = (jobIds: string[]) =>
        jobIds.length ? () => syncTimers(db, queue, jobIds, ctx.now) : undefined;
      if (turn.forPerson) {
        const jobIds = await noteClientMessage(tx, {
          conversationId: target.conversationId,
          clientId: target.clientId,
          now: ctx.now,
          defaultTimeZone: timeZone,
        });
        return { outputs: [], after: sync(jobIds) };
      }
      const [reason] = turn.reasons;
      if (!reason || !target.clientId) return { outputs: [] };
      const opened = await openHandover(tx, {
        conversationId: target.conversationId,
        clientId: target.clientId,
        reason,
        now: ctx.now,
        locale: target.locale,
        translator: ctx.translator,
        defaultTimeZone: timeZone,
      });
      // Nobody could be asked: the question the person was at is asked again.
      if (opened.handoverId === null) ctx.stack.reprompt();
      return { outputs: opened.outputs, after: sync(opened.nudgeJobIds) };
    }, idleTurn),
  ];
}
