/**
 * Routing one inbound message: a command, a tap on a button outside flows, input for the waiting
 * flow, or input nobody waits for — each dispatched to what the domains registered
 * (turn-registry.ts). Decides what the turn does; the turn (conversation-service.ts) then writes
 * it as one statement (turn-write.ts) or, when an effect needs it, one transaction (turn-save.ts).
 */
import type pg from "pg";
import type { InboundMessage } from "../channels/types.ts";
import type { FlowInput, Output } from "../engine/types.ts";
import type { Consent, ConversationStatus } from "../generated/prisma/client.ts";
import type { DbClient } from "../store/prisma.ts";
import { parseCommand } from "./commands.ts";
import type { ConversationDeps } from "./conversation-service.ts";
import type { EffectTarget } from "./effects.ts";
import type { FlowStack, StackRun } from "./flow-stack.ts";
import { buttonHandler, type TurnContext, type TurnRegistry } from "./turn-registry.ts";

/** What the turn will do besides what the flow stack recorded. */
export interface TurnPlan {
  status: ConversationStatus;
  /** Messages before the flows' outputs (command answers). */
  extra: Output[];
  /** Runs ended without finishing (a new onboarding). */
  abandoned: StackRun[];
  /** The handlers' work in the transaction, in order; their outputs follow `extra`. */
  work: ((tx: DbClient) => Promise<Output[]>)[];
  /** The handlers' view of the turn, for the work after the effects. */
  ctx: TurnContext;
}

export interface RouteInput {
  /** The connection that holds the conversation's lock. */
  connection: pg.ClientBase;
  stack: FlowStack;
  target: EffectTarget;
  consent: Consent | null;
  consented: boolean;
  status: ConversationStatus;
  now: Date;
}

/** Decides what `msg` means for this conversation; feeds the flow stack. */
export async function routeInbound(
  deps: ConversationDeps,
  msg: InboundMessage,
  input: RouteInput,
): Promise<TurnPlan> {
  const plan = {
    status: input.status === "blocked" ? "active" : input.status,
    extra: [],
    abandoned: [],
    work: [],
  } as unknown as TurnPlan;
  const ctx = turnContext(deps, msg, input, plan);
  plan.ctx = ctx;
  const { turns } = deps;
  const command = parseCommand(
    msg.text,
    turns.commands.map((c) => c.name),
  );
  const button = msg.choiceId ? buttonHandler(turns, msg.choiceId) : undefined;
  if (command?.kind === "unknown") {
    await answerUnknown(turns, ctx, "command");
  } else if (command) {
    await turns.commands.find((c) => c.name === command.name)?.handle(ctx, command.argument);
  } else if (msg.choiceId && button && (await button(ctx, msg.choiceId))) {
    // the button's domain took it
  } else if (await someoneTakes(turns.beforeFlow, ctx)) {
    // a domain took it before the flow (a person is answering, …)
  } else if (flowInput(msg) && input.stack.top) {
    input.stack.input(flowInput(msg) as FlowInput);
  } else if (!(await someoneTakes(turns.unhandled, ctx))) {
    await answerUnknown(turns, ctx, "input");
  }
  return plan;
}

function flowInput(msg: InboundMessage): FlowInput | undefined {
  if (msg.choiceId) return { kind: "choice", choiceId: msg.choiceId };
  return msg.text !== undefined ? { kind: "text", text: msg.text } : undefined;
}

/** The registered answer to what nobody knows, or a plain one. */
async function answerUnknown(
  turns: TurnRegistry,
  ctx: TurnContext,
  what: "command" | "input",
): Promise<void> {
  if (turns.unknown) await turns.unknown(ctx, what);
  else ctx.reply({ key: what === "command" ? "common.unknown_command" : "common.nothing_to_do" });
}

async function someoneTakes(
  handlers: readonly ((ctx: TurnContext) => boolean | Promise<boolean>)[],
  ctx: TurnContext,
): Promise<boolean> {
  for (const handle of handlers) if (await handle(ctx)) return true;
  return false;
}

/** The view of the turn handlers get; what they decide lands in `plan`. */
function turnContext(
  deps: ConversationDeps,
  msg: InboundMessage,
  input: RouteInput,
  plan: TurnPlan,
): TurnContext {
  return {
    message: msg,
    translator: deps.translator,
    db: deps.db,
    connection: input.connection,
    flows: deps.flows,
    stack: input.stack,
    target: input.target,
    consent: input.consent,
    consented: input.consented,
    now: input.now,
    timeZone: deps.timeZone,
    commands: deps.turns.commands,
    get status() {
      return plan.status;
    },
    set status(status) {
      plan.status = status;
    },
    replies: plan.extra,
    reply: (output) => plan.extra.push(output),
    abandonAll: () => plan.abandoned.push(...input.stack.abandonAll()),
    inTransaction: (work) => plan.work.push(work),
  };
}
