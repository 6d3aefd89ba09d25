/**
 * The conversation core: runs one inbound message as one turn. Under the conversation's lock it
 * drops replays, routes commands, feeds the flow engine, applies the effects, stores the inbound
 * message and the replies in one transaction, then sends the replies in order.
 */
import { DateTime } from "luxon";
import type pg from "pg";
import type { ChannelName, ChannelSender, InboundMessage } from "../channels/types.ts";
import {
  assessmentVars,
  completeAssessment,
  SELF_ASSESSMENT_FLOW,
} from "../domain/assessment/assessment-completion.ts";
import { resolveInvite } from "../domain/cases/invites.ts";
import type {
  EngineContext,
  FlowDefinition,
  FlowInput,
  Output,
  RunState,
  VarValue,
} from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import type { Logger } from "../logger.ts";
import type { Db } from "../store/prisma.ts";
import { parseCommand } from "./commands.ts";
import { withConversationLock } from "./conversation-lock.ts";
import { deliverReplies, type QueuedReply } from "./delivery.ts";
import { applyEffects, type EffectTarget } from "./effects.ts";
import { FlowStack, type StackRun } from "./flow-stack.ts";
import { choiceLabel, renderOutputs } from "./render.ts";

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

/** One turn. Returns true when the conversation vanished before the lock was taken. */
async function runTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  conversationId: string,
): Promise<boolean> {
  const { db, translator, logger } = deps;
  const inboundKey = `in:${msg.channel}:${msg.externalMessageId}`;
  if (await db.message.findUnique({ where: { idempotencyKey: inboundKey }, select: { id: true } })) {
    logger.info({ conversationId, inboundKey }, "replayed message ignored");
    return false;
  }
  const conversation = await db.conversation.findUnique({ where: { id: conversationId } });
  if (!conversation) return true;
  const consent = await db.consent.findFirst({ where: { conversationId }, orderBy: { decidedAt: "desc" } });
  const consented = consent?.decision === "accepted" && conversation.clientId !== null;
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
  const startVars = { [SELF_ASSESSMENT_FLOW]: await assessmentVars(db, conversation.clientId) };
  const stack = new FlowStack(await loadRuns(deps, conversationId), deps.flows, ctx, startVars);
  const abandoned: StackRun[] = [];
  const extra: { key: string; params?: Record<string, string> }[] = [];
  let status = conversation.status === "blocked" ? "active" : conversation.status;

  const command = parseCommand(msg.text);
  const input: FlowInput | undefined = msg.choiceId
    ? { kind: "choice", choiceId: msg.choiceId }
    : msg.text !== undefined
      ? { kind: "text", text: msg.text }
      : undefined;

  if (command?.name === "start") {
    if (status === "opted_out") {
      status = "active";
      extra.push({ key: "commands.resumed" });
    }
    if (!consented) {
      abandoned.push(...stack.abandonAll());
      stack.start("onboarding", await inviteVars(db, command.argument));
    } else if (command.argument) {
      extra.push(await linkLater(deps, target, command.argument));
      stack.reprompt();
    } else {
      if (!extra.length) extra.push({ key: "commands.welcome_back" });
      stack.reprompt();
    }
  } else if (command?.name === "language") {
    stack.start("language");
  } else if (command?.name === "assessment") {
    if (consented && deps.flows.has(SELF_ASSESSMENT_FLOW)) stack.start(SELF_ASSESSMENT_FLOW);
    else if (!consented) stack.start("onboarding", await inviteVars(db, undefined));
    else extra.push({ key: "common.nothing_to_do" });
  } else if (command?.name === "help") {
    extra.push({ key: "commands.help" });
  } else if (command?.name === "privacy") {
    extra.push({ key: "commands.privacy" });
  } else if (command?.name === "delete") {
    if (consented) stack.start("erase");
    else extra.push({ key: "commands.delete_nothing" });
  } else if (command?.name === "stop") {
    status = "opted_out";
    extra.push({ key: "commands.stop_done" });
  } else if (command?.name === "unknown") {
    extra.push({ key: "common.unknown_command" });
  } else if (input && stack.top) {
    stack.input(input);
  } else if (consent?.decision === "declined" && !consented) {
    extra.push({ key: "onboarding.declined_reminder" });
  } else if (!consented) {
    stack.start("onboarding", await inviteVars(db, undefined));
  } else {
    extra.push({ key: "common.nothing_to_do" });
  }

  const replies: QueuedReply[] = [];
  const summary: Output[] = [];
  let erased = false;
  let declined = false;
  await db.$transaction(async (tx) => {
    await tx.message.create({
      data: {
        conversationId,
        direction: "inbound",
        idempotencyKey: inboundKey,
        status: "received",
        // Before consent we keep no words of the person: only that a message came.
        text: consented ? (msg.text ?? null) : null,
        ...(msg.choiceId ? { payload: { choiceId: msg.choiceId } } : {}),
      },
    });
    for (const { effect, vars } of stack.effects) {
      target.vars = vars;
      const outcome = await applyEffects(tx, target, [effect]);
      erased ||= outcome.erased;
      declined ||= outcome.declined;
      if (erased) break;
      if (effect.type === "flow_completed" && effect.flowId === SELF_ASSESSMENT_FLOW && target.clientId) {
        const flow = deps.flows.latest(SELF_ASSESSMENT_FLOW);
        summary.push(
          ...(await completeAssessment(tx, {
            clientId: target.clientId,
            flowVersion: flow.version,
            answers: effect.answers,
            vars,
            today: DateTime.fromJSDate(now, { zone: deps.timeZone }).toISODate() as string,
            labelOf: (answer, code) => choiceLabelKey(flow, answer, code),
          })),
        );
      }
    }
    if (erased) return;
    await saveRuns(tx, conversationId, stack.touched, abandoned);
    await tx.conversation.update({
      where: { id: conversationId },
      data: { status, lastInboundAt: now, ...(msg.reference ? { reference: msg.reference } : {}) },
    });
    const outputs = [...extra, ...stack.outputs, ...summary];
    for (const [index, rendered] of renderOutputs(outputs, target.locale, translator).entries()) {
      const row = await tx.message.create({
        data: {
          conversationId,
          direction: "outbound",
          idempotencyKey: `out:${inboundKey}:${index}`,
          messageKey: rendered.key,
          text: rendered.message.text,
          payload: {
            locale: rendered.message.locale,
            direction: rendered.message.direction,
            ...(rendered.message.choices
              ? { choices: rendered.message.choices.map(({ id, label }) => ({ id, label })) }
              : {}),
          },
          status: "queued",
        },
        select: { id: true },
      });
      replies.push({ messageId: row.id, message: rendered.message });
    }
  });

  const address = {
    channel: conversation.channel,
    externalConversationId: conversation.externalConversationId,
    externalUserId: conversation.externalUserId,
    ...(conversation.reference ? { reference: conversation.reference } : {}),
  };
  if (erased) {
    // Nothing of the person is stored any more, this goodbye included.
    const [goodbye] = renderOutputs([{ key: "commands.delete_done" }], target.locale, translator);
    if (goodbye) await deliverReplies(deps, conversationId, address, [{ message: goodbye.message }]);
    logger.info({ conversationId }, "client erased on request");
    return false;
  }
  await deliverReplies(deps, conversationId, address, replies);
  if (declined) {
    // Declining keeps nothing but the decision (the Consent row and the conversation it belongs to).
    await db.message.deleteMany({ where: { conversationId } });
    await db.flowRun.deleteMany({ where: { conversationId } });
  }
  logger.info(
    { conversationId, flow: stack.top?.flow.id, step: stack.top?.state.stepId, replies: replies.length },
    "turn done",
  );
  return false;
}

/** The facts onboarding starts with: what the /start code is. */
async function inviteVars(db: Db, code: string | undefined): Promise<Record<string, VarValue>> {
  if (!code) return { invite: "none", invite_code: null, counsellor_name: null };
  const invite = await resolveInvite(db, code);
  return {
    invite: invite.kind === "unknown" ? "invalid" : invite.kind,
    invite_code: code,
    counsellor_name: invite.kind === "case" ? invite.counsellorName : null,
  };
}

/** /start <code> from a client who already consented: link now, and say so. */
async function linkLater(
  deps: ConversationDeps,
  target: EffectTarget,
  code: string,
): Promise<{ key: string; params?: Record<string, string> }> {
  const invite = await resolveInvite(deps.db, code);
  if (invite.kind === "unknown") return { key: "onboarding.invalid_code" };
  const existing = await deps.db.case.findFirst({
    where: { clientId: target.clientId, status: { not: "closed" } },
  });
  if (invite.kind === "programme" && existing) return { key: "commands.already_linked" };
  await deps.db.$transaction((tx) =>
    applyEffects(tx, { ...target, vars: { invite_code: code } }, [{ type: "link_case" }]),
  );
  return invite.kind === "case"
    ? { key: "commands.linked_later", params: { counsellor: invite.counsellorName ?? "" } }
    : { key: "onboarding.lead" };
}

/** The active runs, most recent first; a run whose flow version is gone continues on the current one if it can. */
async function loadRuns(deps: ConversationDeps, conversationId: string): Promise<StackRun[]> {
  const rows = await deps.db.flowRun.findMany({
    where: { conversationId, status: "active" },
    orderBy: { startedAt: "desc" },
  });
  const runs: StackRun[] = [];
  for (const row of rows) {
    const state = row.state as unknown as RunState;
    let flow = deps.flows.version(row.flowId, row.flowVersion);
    let changed = false;
    if (!flow && deps.flows.has(row.flowId)) {
      const latest = deps.flows.latest(row.flowId);
      if (latest.steps.some((s) => s.id === row.stepId && "prompt" in s)) {
        flow = latest;
        state.flowVersion = latest.version;
        changed = true;
      }
    }
    if (!flow) {
      deps.logger.warn(
        { conversationId, flowRunId: row.id, flow: row.flowId, version: row.flowVersion },
        "run abandoned: flow version gone",
      );
      await deps.db.flowRun.update({ where: { id: row.id }, data: { status: "abandoned" } });
      continue;
    }
    runs.push({ id: row.id, flow, state, changed });
  }
  return runs;
}

async function saveRuns(
  tx: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  conversationId: string,
  touched: readonly StackRun[],
  abandoned: readonly StackRun[],
): Promise<void> {
  for (const run of abandoned) {
    if (run.id) await tx.flowRun.update({ where: { id: run.id }, data: { status: "abandoned" } });
  }
  for (const run of touched) {
    const data = {
      flowVersion: run.state.flowVersion,
      stepId: run.state.stepId,
      status: run.state.status,
      state: run.state as object,
      ...(run.state.status === "completed" ? { completedAt: new Date() } : {}),
    };
    if (run.id) await tx.flowRun.update({ where: { id: run.id }, data });
    else await tx.flowRun.create({ data: { ...data, conversationId, flowId: run.flow.id } });
  }
}

/** The locale key of the label of choice `code` in the question that saves `answer`. */
function choiceLabelKey(flow: FlowDefinition, answer: string, code: string): string | undefined {
  const step = flow.steps.find((s) => "prompt" in s && (s.save ?? s.id) === answer);
  return step && "choices" in step ? step.choices.find((c) => c.id === code)?.label : undefined;
}
