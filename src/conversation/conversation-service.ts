/**
 * The conversation core: runs one inbound message as one turn. Under the conversation's lock it
 * drops replays, routes the message to what the domains registered (turn-registry.ts), feeds the
 * flow engine, applies the effects, stores the inbound message and the replies in one
 * transaction, then sends the replies in order. It knows no domain.
 */
import type pg from "pg";
import { addressOf, type InboundMessage } from "../channels/types.ts";
import type { EngineContext, VarValue } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Conversation } from "../generated/prisma/client.ts";
import { choiceLabel, renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import { withAddressLock } from "./conversation-lock.ts";
import { deliverReplies, type ReplyHold, type ReplySender } from "./delivery.ts";
import type { EffectTarget } from "./effects.ts";
import { runsOnFlows } from "./flow-run-store.ts";
import { FlowStack } from "./flow-stack.ts";
import type { TurnRegistry } from "./turn-registry.ts";
import { type RouteInput, routeInbound } from "./turn-routing.ts";
import { type SavedTurnResult, saveTurn } from "./turn-save.ts";
import { loadTurnRows, type ProgrammeFacts, type TurnRows } from "./turn-sql.ts";
import { writeTurnAtOnce } from "./turn-write.ts";

export interface ConversationDeps {
  db: Db;
  /** Connections for the per-conversation advisory lock (one held per turn in progress). */
  lockPool: pg.Pool;
  translator: Translator;
  flows: FlowRegistry;
  /** Sends the turn's replies through the outbox (src/outbox/outbound-senders.ts). */
  replies: ReplySender;
  logger: Logger;
  /** Time zone for dates in flows (TZ_DEFAULT). */
  timeZone: string;
  /** What the domains handle: buttons, commands, flow completions, effects, work after a turn. */
  turns: TurnRegistry;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

export interface ConversationService {
  handleInbound(message: InboundMessage): Promise<void>;
}

/** Builds the core that every channel's inbound messages go to. */
export function createConversationService(deps: ConversationDeps): ConversationService {
  return { handleInbound: (message) => handleInbound(deps, message, 0) };
}

async function handleInbound(deps: ConversationDeps, msg: InboundMessage, attempt: number): Promise<void> {
  // Found — or, for a new person, created — and locked in one statement.
  const turn = await withAddressLock(deps.lockPool, msg, (connection, conversationId) =>
    runTurn(deps, msg, conversationId, connection),
  );
  // The conversation was erased between finding it and the lock: start over once, as a new person.
  if ((turn?.value ?? true) && attempt === 0) await handleInbound(deps, msg, 1);
}

/** A turn as loaded: the conversation, its runs and what routing needs. */
export interface LoadedTurn extends RouteInput {
  conversation: Conversation;
  inboundKey: string;
  /** The lease the turn's reply rows are written with (the outbox's loops leave them to the turn). */
  hold: ReplyHold;
  /** The client's programme as the turn read it (before this turn's effects). */
  programme: ProgrammeFacts | null;
  /** Queued messages of the chat from before the turn: sent before its replies. */
  earlier: bigint[];
}

/** One turn. Returns true when the conversation vanished before the lock was taken. */
async function runTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  conversationId: string,
  connection: pg.ClientBase,
): Promise<boolean> {
  const inboundKey = `in:${msg.channel}:${msg.externalMessageId}`;
  const hold = deps.replies.hold();
  const rows = await loadTurnRows(connection, conversationId, inboundKey, hold.queue);
  if (!rows) return true;
  if (rows.seen) {
    deps.logger.info({ conversationId, inboundKey }, "replayed message ignored");
    return false;
  }
  const turn = await loadTurn(deps, msg, rows, { connection, inboundKey, hold });
  const plan = await routeInbound(deps, msg, turn);
  // Only the core writes (an answer, a language, free text): one statement; else a transaction.
  const saved =
    (await writeTurnAtOnce(connection, deps, msg, turn, plan)) ?? (await saveTurn(deps, msg, turn, plan));
  await finishTurn(deps, turn, saved);
  return false;
}

async function loadTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  rows: TurnRows,
  { connection, inboundKey, hold }: Pick<LoadedTurn, "connection" | "inboundKey" | "hold">,
): Promise<LoadedTurn> {
  const { translator } = deps;
  const { conversation, consent } = rows;
  const conversationId = conversation.id;
  const now = deps.now?.() ?? new Date();
  const target: EffectTarget = {
    conversationId,
    channel: conversation.channel,
    clientId: conversation.clientId,
    locale: conversation.locale ?? translator.matchLocale(msg.localeHint) ?? "en",
    displayName: msg.displayName,
    vars: {},
  };
  const ctx: EngineContext = {
    now,
    timeZone: deps.timeZone,
    locales: CLIENT_LOCALES,
    labelText: (choice) => choiceLabel(choice, target.locale, translator),
  };
  const startVars: Record<string, Record<string, VarValue>> = {};
  const facts = { clientId: conversation.clientId, programme: rows.programme };
  for (const [flowId, load] of deps.turns.startVars) startVars[flowId] = await load(facts);
  const runs = await runsOnFlows(deps, conversationId, rows.runs);
  const stack = new FlowStack(runs, deps.flows, ctx, startVars);
  return {
    conversation,
    connection,
    inboundKey,
    stack,
    target,
    consent,
    consented: consent?.decision === "accepted" && conversation.clientId !== null,
    status: conversation.status,
    now,
    hold,
    programme: rows.programme,
    earlier: rows.earlier,
  };
}

/** Sends the replies (or, after an erasure, only the goodbye), then the work after the turn. */
async function finishTurn(deps: ConversationDeps, turn: LoadedTurn, saved: SavedTurnResult): Promise<void> {
  const { db, logger } = deps;
  const { conversation, target, stack } = turn;
  const conversationId = conversation.id;
  const address = addressOf(conversation);
  if (saved.erased) {
    // Nothing of the person is stored any more, this goodbye included.
    const [goodbye] = renderOutputs([{ key: "commands.delete_done" }], target.locale, deps.translator);
    if (goodbye) await deliverReplies(deps, conversationId, address, [{ message: goodbye.message }]);
    for (const after of saved.afterCommit) await after();
    logger.info({ conversationId }, "client erased on request");
    return;
  }
  await deliverReplies(deps, conversationId, address, saved.replies, turn.hold, turn.earlier);
  for (const after of saved.afterCommit) await after();
  if (saved.declined) {
    // Declining keeps nothing but the decision (the Consent row and the conversation it belongs to).
    await db.message.deleteMany({ where: { conversationId } });
    await db.flowRun.deleteMany({ where: { conversationId } });
  }
  logger.info(
    {
      conversationId,
      flow: stack.top?.flow.id,
      step: stack.top?.state.stepId,
      replies: saved.replies.length,
    },
    "turn done",
  );
}
