/**
 * The conversation core: runs one inbound message as one turn. Under the conversation's lock it
 * drops replays, routes the message to what the domains registered (turn-registry.ts), feeds the
 * flow engine, applies the effects, stores the inbound message and the replies in one
 * transaction, then sends the replies in order. It knows no domain.
 */
import type pg from "pg";
import type { ChannelName, ChannelSender, ConversationAddress, InboundMessage } from "../channels/types.ts";
import type { EngineContext, VarValue } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Conversation } from "../generated/prisma/client.ts";
import { choiceLabel, renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import type { Logger } from "../logger.ts";
import { latestConsent } from "../store/consents.ts";
import type { Db } from "../store/prisma.ts";
import { withConversationLock } from "./conversation-lock.ts";
import { deliverReplies } from "./delivery.ts";
import type { EffectTarget } from "./effects.ts";
import { loadRuns } from "./flow-run-store.ts";
import { FlowStack } from "./flow-stack.ts";
import type { TurnRegistry } from "./turn-registry.ts";
import { type RouteInput, routeInbound } from "./turn-routing.ts";
import { type SavedTurnResult, saveTurn } from "./turn-save.ts";

export interface ConversationDeps {
  db: Db;
  /** Connections for the per-conversation advisory lock (one held per turn in progress). */
  lockPool: pg.Pool;
  translator: Translator;
  flows: FlowRegistry;
  senders: ReadonlyMap<ChannelName, ChannelSender>;
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
  const where = { channel: msg.channel, externalConversationId: msg.externalConversationId };
  const conversation = await deps.db.conversation.upsert({
    where: { channel_externalConversationId: where },
    create: {
      ...where,
      externalUserId: msg.externalUserId,
      ...(msg.reference ? { reference: msg.reference } : {}),
      ...(msg.tenantId ? { tenantId: msg.tenantId } : {}),
    },
    update: {},
    select: { id: true },
  });
  const retry = await withConversationLock(deps.lockPool, conversation.id, () =>
    runTurn(deps, msg, conversation.id),
  );
  // The conversation was erased between the upsert and the lock: start over once, as a new person.
  if (retry && attempt === 0) await handleInbound(deps, msg, 1);
}

/** A turn as loaded: the conversation, its runs and what routing needs. */
export interface LoadedTurn extends RouteInput {
  conversation: Conversation;
  inboundKey: string;
}

/** One turn. Returns true when the conversation vanished before the lock was taken. */
async function runTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  conversationId: string,
): Promise<boolean> {
  const inboundKey = `in:${msg.channel}:${msg.externalMessageId}`;
  const seen = await deps.db.message.findUnique({
    where: { idempotencyKey: inboundKey },
    select: { id: true },
  });
  if (seen) {
    deps.logger.info({ conversationId, inboundKey }, "replayed message ignored");
    return false;
  }
  const conversation = await deps.db.conversation.findUnique({ where: { id: conversationId } });
  if (!conversation) return true;
  const turn = await loadTurn(deps, msg, conversation, inboundKey);
  const plan = await routeInbound(deps, msg, turn);
  const saved = await saveTurn(deps, msg, turn, plan);
  await finishTurn(deps, turn, saved);
  return false;
}

async function loadTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  conversation: Conversation,
  inboundKey: string,
): Promise<LoadedTurn> {
  const { db, translator } = deps;
  const conversationId = conversation.id;
  const consent = await latestConsent(db, conversationId);
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
  for (const [flowId, load] of deps.turns.startVars)
    startVars[flowId] = await load(db, conversation.clientId);
  const stack = new FlowStack(await loadRuns(deps, conversationId), deps.flows, ctx, startVars);
  return {
    conversation,
    inboundKey,
    stack,
    target,
    consent,
    consented: consent?.decision === "accepted" && conversation.clientId !== null,
    status: conversation.status,
    now,
  };
}

/** Sends the replies (or, after an erasure, only the goodbye), then the work after the turn. */
async function finishTurn(deps: ConversationDeps, turn: LoadedTurn, saved: SavedTurnResult): Promise<void> {
  const { db, logger } = deps;
  const { conversation, target, stack } = turn;
  const conversationId = conversation.id;
  const address: ConversationAddress = {
    channel: conversation.channel,
    externalConversationId: conversation.externalConversationId,
    externalUserId: conversation.externalUserId,
    ...(conversation.reference ? { reference: conversation.reference } : {}),
  };
  if (saved.erased) {
    // Nothing of the person is stored any more, this goodbye included.
    const [goodbye] = renderOutputs([{ key: "commands.delete_done" }], target.locale, deps.translator);
    if (goodbye) await deliverReplies(deps, conversationId, address, [{ message: goodbye.message }]);
    for (const after of saved.afterCommit) await after();
    logger.info({ conversationId }, "client erased on request");
    return;
  }
  await deliverReplies(deps, conversationId, address, saved.replies);
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
