/**
 * The conversation core: runs one inbound message as one turn. Under the conversation's lock it
 * drops replays, routes commands, feeds the flow engine, applies the effects, stores the inbound
 * message and the replies in one transaction, then sends the replies in order.
 */
import type { Queue } from "bullmq";
import { DateTime } from "luxon";
import type pg from "pg";
import type { ChannelName, ChannelSender, InboundMessage } from "../channels/types.ts";
import { recordAppointmentResponse } from "../domain/appointments/appointment-response.ts";
import {
  assessmentVars,
  completeAssessment,
  SELF_ASSESSMENT_FLOW,
} from "../domain/assessment/assessment-completion.ts";
import { recordReach } from "../domain/funnel/reach.ts";
import { CHECKIN_FLOW } from "../domain/placements/checkin-messages.ts";
import { completeCheckIn, recordMood } from "../domain/placements/checkins.ts";
import { ALERTS_FLOW, saveAlertChoice } from "../domain/vacancies/alert-choice.ts";
import { recordJobAnswer } from "../domain/vacancies/job-alerts.ts";
import type { EngineContext, FlowDefinition, Output } from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import { CLIENT_LOCALES, type Translator } from "../i18n/translator.ts";
import type { Logger } from "../logger.ts";
import { replanIdleNudges } from "../scheduling/idle-nudges.ts";
import type { NudgeJobData } from "../scheduling/nudge-queue.ts";
import { syncTimers } from "../scheduling/nudge-store.ts";
import { scheduleForClient } from "../scheduling/programme-schedule-for.ts";
import type { Db } from "../store/prisma.ts";
import { withConversationLock } from "./conversation-lock.ts";
import { deliverReplies, type QueuedReply } from "./delivery.ts";
import { applyEffects, type EffectTarget } from "./effects.ts";
import { loadRuns, saveRuns } from "./flow-run-store.ts";
import { FlowStack } from "./flow-stack.ts";
import { applyHandoverTurn } from "./handover-turn.ts";
import { inPlaceMessage, tappedQuestion } from "./in-place.ts";
import { choiceLabel, renderOutputs } from "./render.ts";
import { routeInbound } from "./turn-routing.ts";

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
  /** Where nudge timers live; without it no idle-flow nudges are planned. */
  nudgeQueue?: Queue<NudgeJobData>;
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
  const handoverOpen = consented
    ? (await db.handover.count({ where: { conversationId, status: "open" } })) > 0
    : false;
  const plan = await routeInbound(deps, msg, {
    stack,
    target,
    consent,
    consented,
    status: conversation.status,
    handoverOpen,
  });
  const { answers, moods, jobAnswers, extra, abandoned } = plan;
  const status = plan.status;

  const replies: QueuedReply[] = [];
  const summary: Output[] = [];
  const nudgeJobIds: string[] = [];
  let handoverJobIds: string[] = [];
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
      nudgeJobIds.push(...outcome.timers);
      declined ||= outcome.declined;
      plan.handover.reasons.unshift(...outcome.handoverReasons);
      if (erased) break;
      if (
        effect.type === "flow_completed" &&
        effect.flowId === CHECKIN_FLOW &&
        typeof vars.checkin_id === "string"
      ) {
        await completeCheckIn(tx, vars.checkin_id, effect.answers);
      }
      if (effect.type === "flow_completed" && effect.flowId === ALERTS_FLOW && target.clientId) {
        await saveAlertChoice(tx, target.clientId, effect.answers);
      }
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
    const onboarding = stack.touched.find((run) => !run.id && run.flow.id === "onboarding");
    if (onboarding) {
      const code = onboarding.state.vars.invite_code;
      await recordReach(tx, { conversationId, inviteCode: typeof code === "string" ? code : null, now });
    }
    const person = await applyHandoverTurn(tx, deps, target, plan.handover, now);
    extra.push(...person.outputs);
    handoverJobIds = person.nudgeJobIds;
    // Nobody could be asked: the question the person was at is asked again.
    if (person.opened === false) stack.reprompt();
    for (const answer of answers) {
      extra.push(...(await recordAppointmentResponse(tx, { ...answer, clientId: target.clientId, now })));
    }
    for (const jobAnswer of jobAnswers) {
      extra.push(...(await recordJobAnswer(tx, { ...jobAnswer, clientId: target.clientId, now })));
    }
    for (const mood of moods) {
      extra.push(...(await recordMood(tx, { ...mood, clientId: target.clientId, now })).outputs);
    }
    await saveRuns(tx, conversationId, stack.touched, abandoned);
    if (deps.nudgeQueue && target.clientId && !declined) {
      const finished = [...abandoned, ...stack.touched]
        .filter((r) => r.id && r.state.status !== "active")
        .map((r) => r.id as string);
      nudgeJobIds.push(
        ...(await replanIdleNudges(tx, {
          conversationId,
          waitingRunId: stack.top?.id ?? null,
          finishedRunIds: finished,
          now,
          schedule: await scheduleForClient(tx, target.clientId, deps.timeZone),
        })),
      );
    }
    await tx.conversation.update({
      where: { id: conversationId },
      data: {
        status,
        lastInboundAt: now,
        ...(msg.reference ? { reference: msg.reference } : {}),
        ...(msg.tenantId ? { tenantId: msg.tenantId } : {}),
      },
    });
    const outputs = [...extra, ...stack.outputs, ...summary];
    const renderedReplies = renderOutputs(outputs, target.locale, translator);
    const tapped = await tappedQuestion(tx, conversationId, msg.tappedMessageId, renderedReplies);
    for (const [index, rendered] of renderedReplies.entries()) {
      const message = inPlaceMessage(rendered, tapped);
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
              ? { choices: rendered.message.choices.map(({ id, label, kind }) => ({ id, label, kind })) }
              : {}),
            ...(message.replaces && tapped ? { replaces: tapped.rowId.toString() } : {}),
          },
          status: "queued",
        },
        select: { id: true },
      });
      replies.push({ messageId: row.id, message });
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
    if (deps.nudgeQueue && nudgeJobIds.length) await syncTimers(db, deps.nudgeQueue, nudgeJobIds, now);
    logger.info({ conversationId }, "client erased on request");
    return false;
  }
  await deliverReplies(deps, conversationId, address, replies);
  const timers = [...nudgeJobIds, ...handoverJobIds];
  if (deps.nudgeQueue && timers.length) await syncTimers(db, deps.nudgeQueue, timers, now);
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

/** The locale key of the label of choice `code` in the question that saves `answer`. */
function choiceLabelKey(flow: FlowDefinition, answer: string, code: string): string | undefined {
  const step = flow.steps.find((s) => "prompt" in s && (s.save ?? s.id) === answer);
  return step && "choices" in step ? step.choices.find((c) => c.id === code)?.label : undefined;
}
