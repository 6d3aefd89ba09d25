/**
 * Saving one turn in one transaction: the inbound message, the effects of the flows (and the
 * completion handlers of the flows that finished), the handlers' work, the runs, the work after
 * the turn, the conversation's status, and the replies to send.
 */
import type { InboundMessage, OutboundMessage } from "../channels/types.ts";
import type { Output } from "../engine/types.ts";
import { renderOutputs } from "../i18n/render.ts";
import type { DbClient } from "../store/prisma.ts";
import { withVoiceNotes } from "../store/voice-notes.ts";
import type { ConversationDeps, LoadedTurn } from "./conversation-service.ts";
import type { QueuedReply } from "./delivery.ts";
import { applyEffects } from "./effects.ts";
import { saveRuns } from "./flow-run-store.ts";
import { inPlaceMessage, spentQuestion, tappedQuestion } from "./in-place.ts";
import { DOMAIN_EFFECTS } from "./turn-registry.ts";
import type { TurnPlan } from "./turn-routing.ts";

const DOMAIN_TYPES: ReadonlySet<string> = new Set(DOMAIN_EFFECTS);

export interface SavedTurnResult {
  replies: QueuedReply[];
  erased: boolean;
  declined: boolean;
  /** Work registered to run after the replies were sent (timers, …). */
  afterCommit: (() => Promise<void>)[];
}

/** Writes the turn; nothing of it is kept when the client was erased in it. */
export async function saveTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  turn: LoadedTurn,
  plan: TurnPlan,
): Promise<SavedTurnResult> {
  const saved: SavedTurnResult = { replies: [], erased: false, declined: false, afterCommit: [] };
  await deps.db.$transaction(async (tx) => {
    await tx.message.create({
      data: {
        conversationId: turn.conversation.id,
        direction: "inbound",
        idempotencyKey: turn.inboundKey,
        status: "received",
        // Before consent we keep no words of the person: only that a message came.
        text: turn.consented ? (msg.text ?? null) : null,
        ...(msg.choiceId ? { payload: { choiceId: msg.choiceId } } : {}),
      },
    });
    const summary = await applyRunEffects(tx, deps, turn, saved);
    if (saved.erased) return;
    const extra = [...plan.extra];
    for (const handle of deps.turns.afterEffects) {
      const done = await handle(tx, plan.ctx);
      extra.push(...done.outputs);
      if (done.after) saved.afterCommit.push(done.after);
    }
    for (const work of plan.work) extra.push(...(await work(tx)));
    await saveRuns(tx, turn.conversation.id, turn.stack.touched, plan.abandoned);
    await observeTurn(tx, deps, turn, plan, saved);
    await tx.conversation.update({
      where: { id: turn.conversation.id },
      data: {
        status: plan.status,
        lastInboundAt: turn.now,
        ...(msg.reference ? { reference: msg.reference } : {}),
        ...(msg.tenantId ? { tenantId: msg.tenantId } : {}),
      },
    });
    saved.replies = await writeReplies(tx, deps, turn, msg, [...extra, ...turn.stack.outputs, ...summary]);
  });
  return saved;
}

/** Applies the flows' effects in order, each with its run's variables; returns the completions' outputs. */
async function applyRunEffects(
  tx: DbClient,
  deps: ConversationDeps,
  turn: LoadedTurn,
  saved: SavedTurnResult,
): Promise<Output[]> {
  const { target } = turn;
  const summary: Output[] = [];
  for (const { effect, vars } of turn.stack.effects) {
    target.vars = vars;
    const outcome = await applyEffects(tx, target, [effect], deps.turns.effects);
    saved.erased ||= outcome.erased;
    saved.declined ||= outcome.declined;
    saved.afterCommit.push(...outcome.afterCommit);
    if (saved.erased) break;
    if (effect.type !== "flow_completed") continue;
    const complete = deps.turns.completions.get(effect.flowId);
    const completion = { target, answers: effect.answers, vars, now: turn.now, timeZone: deps.timeZone };
    summary.push(...((await complete?.(tx, { ...completion, flows: deps.flows })) ?? []));
  }
  return summary;
}

/** The registered work after a saved turn (idle nudges, …); not for a turn that declined consent. */
async function observeTurn(
  tx: DbClient,
  deps: ConversationDeps,
  turn: LoadedTurn,
  plan: TurnPlan,
  saved: SavedTurnResult,
): Promise<void> {
  const finishedRunIds = [...plan.abandoned, ...turn.stack.touched]
    .filter((run) => run.id && run.state.status !== "active")
    .map((run) => run.id as string);
  // A domain's effect (consent, a linked case, …) may have changed the client's programme.
  const domainEffect = turn.stack.effects.some(({ effect }) => DOMAIN_TYPES.has(effect.type));
  const seen = {
    conversationId: turn.conversation.id,
    clientId: turn.target.clientId,
    declined: saved.declined,
    waitingRunId: turn.stack.top?.id ?? null,
    finishedRunIds,
    now: turn.now,
    ...(domainEffect ? {} : { programme: turn.programme }),
  };
  for (const observe of deps.turns.afterTurn) {
    const after = await observe(tx, seen);
    if (after) saved.afterCommit.push(after);
  }
}

/**
 * Renders the outputs in the client's language and stores each as a queued outbound message,
 * followed by its voice note for a person who asked for voice (src/store/voice-notes.ts).
 */
async function writeReplies(
  tx: DbClient,
  deps: ConversationDeps,
  turn: LoadedTurn,
  msg: InboundMessage,
  outputs: Output[],
): Promise<QueuedReply[]> {
  const rendered = renderOutputs(outputs, turn.target.locale, deps.translator);
  const tapped = await tappedQuestion(tx, turn.conversation.id, msg, rendered);
  const spent = spentQuestion(msg, tapped, rendered);
  const planned = [...(spent ? [spent] : []), ...rendered].map((reply, index) => ({
    conversationId: turn.conversation.id,
    idempotencyKey: `out:${turn.inboundKey}:${index}`,
    messageKey: reply.key,
    message: inPlaceMessage(reply, tapped),
  }));
  // Voice asked for before, or in this very turn (the replies after it are heard already).
  const voice =
    turn.conversation.voiceNotes || turn.stack.effects.some(({ effect }) => effect.type === "set_voice");
  const replies: QueuedReply[] = [];
  for (const reply of voice ? await withVoiceNotes(tx, planned) : planned) {
    const { message } = reply;
    const row = await tx.message.create({
      data: {
        conversationId: reply.conversationId,
        direction: "outbound",
        idempotencyKey: reply.idempotencyKey,
        ...turn.hold,
        messageKey: reply.messageKey,
        text: message.text,
        payload: replyPayload(message, tapped?.rowId),
        status: "queued",
      },
      select: { id: true },
    });
    replies.push({ messageId: row.id, message });
  }
  return replies;
}

/** What a reply row keeps besides its text: language, buttons, the question it updates, its voice. */
function replyPayload(message: OutboundMessage, tappedRowId: bigint | undefined) {
  return {
    locale: message.locale,
    direction: message.direction,
    ...(message.voice ? { voice: message.voice } : {}),
    ...(message.choices
      ? {
          choices: message.choices.map(({ id, label, kind, url }) => ({
            id,
            label,
            ...(kind ? { kind } : {}),
            ...(url ? { url } : {}),
          })),
        }
      : {}),
    // The tapped question: its row (the web chat's bubble) and its platform id (the sender edits it).
    ...(message.replaces && tappedRowId !== undefined
      ? { replaces: tappedRowId.toString(), replacesMessage: message.replaces }
      : {}),
  };
}
