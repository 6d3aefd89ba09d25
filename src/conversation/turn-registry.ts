/**
 * What the conversation core dispatches to, registered by the domains (as goflow's actions
 * register themselves): button-id prefixes, flow completions, the facts a flow starts with, the
 * store changes behind the engine's effects, commands, what to do with input no flow waits for,
 * and work after each saved turn. The core knows none of them by name: a new button kind is one
 * `onButton(...)` next to its domain, listed in src/domain/turn-handlers.ts.
 */

import type pg from "pg";
import type { ChannelName, InboundMessage } from "../channels/types.ts";
import type { Answer, Effect, Output, VarValue } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Consent, ConversationStatus } from "../generated/prisma/client.ts";
import type { Translator } from "../i18n/translator.ts";
import type { Db, DbClient } from "../store/prisma.ts";
import type { SqlParams, WriteKeys, WritePart } from "../store/sql-write.ts";
import type { EffectOutcome, EffectTarget } from "./effects.ts";
import type { FlowStack } from "./flow-stack.ts";
import type { ProgrammeFacts } from "./turn-sql.ts";

/** The turn as a handler sees it while the inbound message is routed (before the transaction). */
export interface TurnContext {
  readonly message: InboundMessage;
  readonly translator: Translator;
  readonly db: Db;
  /**
   * The turn's own connection (it holds the conversation's lock), for a plain-SQL read a handler
   * needs on the hot path (store/sql-read.ts): 0.1–0.3 ms of CPU against Prisma's 1–2 ms. Reads
   * only: the turn's changes are written with the turn.
   */
  readonly connection: pg.ClientBase;
  readonly flows: FlowRegistry;
  readonly stack: FlowStack;
  readonly target: EffectTarget;
  /** The latest consent decision of this conversation. */
  readonly consent: Consent | null;
  /** Consent accepted and a client exists. */
  readonly consented: boolean;
  readonly now: Date;
  readonly timeZone: string;
  /** Every command, in menu order (for /help). */
  readonly commands: readonly ClientCommand[];
  /** The conversation's status after this turn. */
  status: ConversationStatus;
  /** Replies given so far, before the flows' outputs. */
  readonly replies: readonly Output[];
  reply(output: Output): void;
  /** Ends every run in progress without finishing it (a new onboarding). */
  abandonAll(): void;
  /** Work done in the turn's transaction after the flows' effects; its outputs come before the flows'. */
  inTransaction(work: (tx: DbClient) => Promise<Output[]>): void;
}

/** A tap on a button outside flows; false when the id is not one this handler knows. */
export type ButtonHandler = (ctx: TurnContext, choiceId: string) => boolean | Promise<boolean>;

/** A command the client types (`/name [argument]`): one row of the command table. */
export interface ClientCommand {
  name: string;
  /** Locale key of its line in Telegram's command menu. */
  descriptionKey: string;
  /** Locale key of its button in the help menu; no key: not a button there. */
  menuKey?: string;
  /** Place in the command menus and in the help menu, lowest first. */
  order: number;
  /** Channels that cannot do what it does: not in their help menu nor their command list. */
  notOn?: readonly ChannelName[];
  handle(ctx: TurnContext, argument: string | undefined): void | Promise<void>;
}

/** Input that no command, button or waiting flow took; true when handled. */
export type UnhandledHandler = (ctx: TurnContext) => boolean | Promise<boolean>;

/**
 * The answer to an unknown command (`what` = "command") or to input nobody took ("input"); one
 * handler. None registered: a plain "I do not know that" / "nothing to do".
 */
export type UnknownHandler = (ctx: TurnContext, what: "command" | "input") => void | Promise<void>;

/** Input before it reaches the waiting flow (a person answering, words asking for one); true when taken. */
export type BeforeFlowHandler = (ctx: TurnContext) => boolean | Promise<boolean>;

/**
 * Work in the turn's transaction once the flows' effects are applied, before the handlers' work:
 * replies (before the flows'), and work for after the replies are sent.
 */
export type AfterEffectsHandler = (
  tx: DbClient,
  ctx: TurnContext,
) => Promise<{ outputs: Output[]; after?: () => Promise<void> }>;

/** A run of a flow that just completed, with what it collected. */
export interface FlowCompletion {
  target: EffectTarget;
  answers: Record<string, Answer>;
  vars: Record<string, VarValue>;
  now: Date;
  timeZone: string;
  flows: FlowRegistry;
}

/** Stores what a completed run collected; its outputs come after the flows'. */
export type CompletionHandler = (tx: DbClient, completion: FlowCompletion) => Promise<Output[] | undefined>;

/** What the turn read about its client before it began (no query of its own). */
export interface TurnFacts {
  clientId: string | null;
  /** The programme of the client's most recent open case; null without one. */
  programme: ProgrammeFacts | null;
}

/** The facts a flow starts with when a run of it begins, from what the turn read. */
export type StartVarsLoader = (
  facts: TurnFacts,
) => Record<string, VarValue> | Promise<Record<string, VarValue>>;

/** The effects a domain applies (the core applies `set_locale` itself, and handles runs). */
export type DomainEffect = Exclude<Effect, { type: "set_locale" | "start_flow" | "flow_completed" }>;
export type DomainEffectType = DomainEffect["type"];
export const DOMAIN_EFFECTS = [
  "record_consent",
  "link_case",
  "erase_client",
  "notify_counsellor",
  "set_voice",
] as const satisfies readonly DomainEffectType[];

export type EffectHandler<T extends DomainEffectType = DomainEffectType> = (
  tx: DbClient,
  target: EffectTarget,
  effect: Extract<DomainEffect, { type: T }>,
) => Promise<Partial<EffectOutcome> | undefined>;

/**
 * An effect written with the turn's one statement (turn-write.ts) instead of the transaction: its
 * parts, what it changed, and the client's programme after it (undefined: unchanged by it).
 */
export interface EffectAtOnce {
  parts: WritePart[];
  outcome?: Partial<Pick<EffectOutcome, "declined">>;
  programme?: ProgrammeFacts | null;
}

/**
 * The effect as parts of the turn's one statement, when it can be: `read` is the turn's own
 * connection (plain SQL), values go in `params`, part names begin with `tag` (unique in the turn).
 * It may change `target` (a new client's id) only when it returns parts; undefined: the turn is
 * saved in the transaction by the effect's `handle` instead.
 */
export type EffectPartsHandler<T extends DomainEffectType = DomainEffectType> = (
  read: pg.ClientBase,
  target: EffectTarget,
  effect: Extract<DomainEffect, { type: T }>,
  params: SqlParams,
  tag: string,
) => Promise<EffectAtOnce | undefined>;

/** A saved turn, as work after it sees it. */
export interface SavedTurn {
  conversationId: string;
  clientId: string | null;
  /** The client declined consent in this turn (nothing of theirs is kept). */
  declined: boolean;
  /** The run now waiting for the client's answer, if any. */
  waitingRunId: string | null;
  /** Runs that ended this turn, finished or abandoned. */
  finishedRunIds: string[];
  /** Runs started in this turn, with their variables (at the end of the turn). */
  startedRuns: { flowId: string; vars: Record<string, VarValue> }[];
  now: Date;
  /**
   * The client's programme as the turn read it; undefined when the turn's effects may have changed
   * it (consent, a linked case, …): then read it.
   */
  programme?: ProgrammeFacts | null;
}

/** A column of the turn's conversation to set: its name (as in the table) and a value's placeholder. */
export interface ConversationSet {
  column: string;
  /** From the turn's `params` (`params.add(true, "boolean")`). */
  value: string;
}

/** An observer's share of the turn's write: its changes, and work for after the replies. */
export interface TurnObservation {
  /** Written with the turn's own changes, in the same statement when the turn is written at once. */
  parts: WritePart[];
  /**
   * Columns of the conversation to set. The parts of one statement must not change a row twice,
   * and the turn updates its conversation: these are merged into that one UPDATE (in a
   * transaction, turn-save.ts: one UPDATE of their own, a part of the observers' statement).
   */
  conversation?: ConversationSet[];
  /** Work after the replies are sent, given what the parts returned (`RETURNING … AS key`). */
  after?: (keys: WriteKeys) => (() => Promise<void>) | undefined;
}

/**
 * Once the turn's runs are known: the changes to write with the turn (as statement parts whose
 * values are in `params`); `read` is for what the turn could not know (`turn.programme` undefined).
 */
export type TurnObserver = (
  turn: SavedTurn,
  params: SqlParams,
  read: DbClient,
) => Promise<TurnObservation | undefined>;

/** An afterEffects handler, and whether it has nothing to do in a turn (then the turn may be written at once). */
export interface AfterEffectsRegistration {
  handle: AfterEffectsHandler;
  /** True when `handle` would write nothing and return nothing for this turn; absent: it always may. */
  idle?: (ctx: TurnContext) => boolean;
}

export type TurnRegistration =
  | { kind: "button"; prefix: string; handle: ButtonHandler }
  | { kind: "command"; command: ClientCommand }
  | { kind: "unhandled"; handle: UnhandledHandler }
  | { kind: "unknown"; handle: UnknownHandler }
  | { kind: "before_flow"; handle: BeforeFlowHandler }
  | { kind: "after_effects"; handler: AfterEffectsRegistration }
  | { kind: "completion"; flowId: string; handle: CompletionHandler }
  | { kind: "start_vars"; flowId: string; load: StartVarsLoader }
  | { kind: "effect"; type: DomainEffectType; handle: EffectHandler; atOnce?: EffectPartsHandler }
  | { kind: "after_turn"; observe: TurnObserver };

/** Buttons whose id is `<prefix>:…`. */
export const onButton = (prefix: string, handle: ButtonHandler): TurnRegistration => ({
  kind: "button",
  prefix,
  handle,
});
export const onCommand = (command: ClientCommand): TurnRegistration => ({ kind: "command", command });
/** Tried in registration order; the core answers "nothing to do" when none takes it. */
export const onUnhandled = (handle: UnhandledHandler): TurnRegistration => ({ kind: "unhandled", handle });
/** Registered once: what an unknown command or input nobody took is answered with. */
export const onUnknown = (handle: UnknownHandler): TurnRegistration => ({ kind: "unknown", handle });
/** Tried in registration order before the waiting flow gets the input. */
export const beforeFlow = (handle: BeforeFlowHandler): TurnRegistration => ({ kind: "before_flow", handle });
export const afterEffects = (
  handle: AfterEffectsHandler,
  idle?: (ctx: TurnContext) => boolean,
): TurnRegistration => ({ kind: "after_effects", handler: idle ? { handle, idle } : { handle } });
export const onFlowCompleted = (flowId: string, handle: CompletionHandler): TurnRegistration => ({
  kind: "completion",
  flowId,
  handle,
});
export const onFlowStart = (flowId: string, load: StartVarsLoader): TurnRegistration => ({
  kind: "start_vars",
  flowId,
  load,
});
/** `atOnce`: the same change as parts of the turn's one statement, where it can be (else `handle`). */
export const onEffect = <T extends DomainEffectType>(
  type: T,
  handle: EffectHandler<T>,
  atOnce?: EffectPartsHandler<T>,
): TurnRegistration => ({
  kind: "effect",
  type,
  handle: handle as unknown as EffectHandler,
  ...(atOnce ? { atOnce: atOnce as unknown as EffectPartsHandler } : {}),
});
export const afterTurn = (observe: TurnObserver): TurnRegistration => ({ kind: "after_turn", observe });

/** The registrations, indexed for dispatch. */
export interface TurnRegistry {
  buttons: ReadonlyMap<string, ButtonHandler>;
  /** In menu order. */
  commands: readonly ClientCommand[];
  unhandled: readonly UnhandledHandler[];
  unknown?: UnknownHandler;
  beforeFlow: readonly BeforeFlowHandler[];
  afterEffects: readonly AfterEffectsRegistration[];
  completions: ReadonlyMap<string, CompletionHandler>;
  startVars: ReadonlyMap<string, StartVarsLoader>;
  effects: ReadonlyMap<DomainEffectType, EffectHandler>;
  /** The effects that can be written with the turn's one statement. */
  effectParts: ReadonlyMap<DomainEffectType, EffectPartsHandler>;
  afterTurn: readonly TurnObserver[];
}

/** Indexes `registrations`; throws on a prefix, command, flow or effect registered twice, or an effect with none. */
export function createTurnRegistry(registrations: readonly TurnRegistration[]): TurnRegistry {
  const buttons = new Map<string, ButtonHandler>();
  const commands = new Map<string, ClientCommand>();
  const completions = new Map<string, CompletionHandler>();
  const startVars = new Map<string, StartVarsLoader>();
  const effects = new Map<DomainEffectType, EffectHandler>();
  const effectParts = new Map<DomainEffectType, EffectPartsHandler>();
  const unhandled: UnhandledHandler[] = [];
  const observers: TurnObserver[] = [];
  const before: BeforeFlowHandler[] = [];
  const afterEffectsHandlers: AfterEffectsRegistration[] = [];
  const unknown: UnknownHandler[] = [];
  const once = <V>(map: Map<string, V>, key: string, value: V, what: string) => {
    if (map.has(key)) throw new Error(`${what} "${key}" is registered twice`);
    map.set(key, value);
  };
  for (const r of registrations) {
    if (r.kind === "button") once(buttons, r.prefix, r.handle, "button prefix");
    else if (r.kind === "command") once(commands, r.command.name, r.command, "command");
    else if (r.kind === "completion") once(completions, r.flowId, r.handle, "flow completion");
    else if (r.kind === "start_vars") once(startVars, r.flowId, r.load, "start facts of flow");
    else if (r.kind === "effect") {
      once(effects as Map<string, EffectHandler>, r.type, r.handle, "effect");
      if (r.atOnce) effectParts.set(r.type, r.atOnce);
    } else if (r.kind === "unhandled") unhandled.push(r.handle);
    else if (r.kind === "unknown") unknown.push(r.handle);
    else if (r.kind === "before_flow") before.push(r.handle);
    else if (r.kind === "after_effects") afterEffectsHandlers.push(r.handler);
    else observers.push(r.observe);
  }
  const missing = DOMAIN_EFFECTS.filter((type) => !effects.has(type));
  if (missing.length) throw new Error(`no handler for effect ${missing.join(", ")}`);
  if (unknown.length > 1) throw new Error("the answer to unknown input is registered twice");
  return {
    buttons,
    commands: [...commands.values()].sort((a, b) => a.order - b.order),
    unhandled,
    ...(unknown[0] ? { unknown: unknown[0] } : {}),
    beforeFlow: before,
    afterEffects: afterEffectsHandlers,
    completions,
    startVars,
    effects,
    effectParts,
    afterTurn: observers,
  };
}

/** The handler for a button id (`appt:…` → the one registered for "appt"). */
export function buttonHandler(registry: TurnRegistry, choiceId: string): ButtonHandler | undefined {
  const colon = choiceId.indexOf(":");
  return colon > 0 ? registry.buttons.get(choiceId.slice(0, colon)) : undefined;
}
