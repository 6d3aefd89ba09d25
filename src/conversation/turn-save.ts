/**
 * Saving one turn in one transaction: the inbound message, the effects of the flows (and the
 * completion handlers of the flows that finished), the handlers' work, the runs, the work after
 * the turn, the conversation's status, and the replies to send.
 */
import type { InboundMessage } from "../channels/types.ts";
import type { Output } from "../engine/types.ts";
import { renderOutputs } from "../i18n/render.ts";
import type { DbClient, Prisma } from "../store/prisma.ts";
import { SqlParams, type WritePart, writeKeys, writeStatement } from "../store/sql-write.ts";
import type { ConversationDeps, LoadedTurn } from "./conversation-service.ts";
import type { QueuedReply } from "./delivery.ts";
import { applyEffects } from "./effects.ts";
import { saveRuns } from "./flow-run-store.ts";
import { tappedQuestion } from "./in-place.ts";
import type { TurnObservation } from "./turn-registry.ts";
import type { TurnPlan } from "./turn-routing.ts";
import { conversationSets, observations, replyRows } from "./turn-write.ts";

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
    for (const { handle } of deps.turns.afterEffects) {
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

/** The registered work after a saved turn (idle nudges, …): their parts as one statement in `tx`. */
async function observeTurn(
  tx: DbClient,
  deps: ConversationDeps,
  turn: LoadedTurn,
  plan: TurnPlan,
  saved: SavedTurnResult,
): Promise<void> {
  const params = new SqlParams();
  const observed = await observations(deps, turn, plan, saved.declined, params, tx);
  const parts = observedParts(observed, turn.conversation.id, params);
  if (!parts.length) return;
  const rows = await tx.$queryRawUnsafe<{ part: string; key: string }[]>(
    writeStatement(parts),
    ...params.values,
  );
  const keys = writeKeys(rows);
  for (const o of observed) {
    const after = o.after?.(keys);
    if (after) saved.afterCommit.push(after);
  }
}

/**
 * The observers' parts for a statement of their own: with their columns of the conversation as one
 * UPDATE part (the turn's UPDATE of it is another statement here). The other parts read the row
 * as it was before the statement.
 */
export function observedParts(
  observed: readonly TurnObservation[],
  conversationId: string,
  params: SqlParams,
): WritePart[] {
  const parts = observed.flatMap((o) => o.parts);
  const sets = conversationSets(observed);
  if (!sets.length) return parts;
  const sql = `UPDATE "Conversation" SET ${sets.join(", ")} WHERE id = ${params.add(conversationId, "text")}`;
  return [...parts, { name: "observed_conversation", sql }];
}

/** Renders the outputs in the client's language and stores each as a queued outbound message. */
async function writeReplies(
  tx: DbClient,
  deps: ConversationDeps,
  turn: LoadedTurn,
  msg: InboundMessage,
  outputs: Output[],
): Promise<QueuedReply[]> {
  const replies: QueuedReply[] = [];
  const rendered = renderOutputs(outputs, turn.target.locale, deps.translator);
  const tapped = await tappedQuestion(tx, turn.conversation.id, msg, rendered);
  for (const reply of await replyRows(tx, msg, turn, rendered, tapped)) {
    const { message, payload, ...data } = reply;
    const row = await tx.message.create({
      data: {
        conversationId: turn.conversation.id,
        direction: "outbound",
        ...turn.hold,
        ...data,
        payload: payload as Prisma.InputJsonObject,
        status: "queued",
      },
      select: { id: true },
    });
    replies.push({ messageId: row.id, message });
  }
  return replies;
}
