/**
 * Ending a handover: a staff member hands the conversation back to the bot, or it goes back by
 * itself after the programme's quiet time. Either way the handover and its task close, its timers
 * go, and the client is told that they are talking to the bot again: in the conversation they
 * wrote in last (which for a client linked on two channels may be another than the one they asked
 * in), with the question its flow waits at asked again; and in each other conversation of theirs
 * whose flow waits at a question, that question, held while a person answered
 * (docs/decisions/0024-hand-back-in-every-conversation.md).
 */
import { repromptRun } from "../../engine/engine.ts";
import type { EngineContext, Output, RunState } from "../../engine/types.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { Handover } from "../../generated/prisma/client.ts";
import { cancelNudges } from "../../scheduling/nudge-store.ts";
import { conversationToWrite } from "../../store/conversation-to-write.ts";
import type { Prisma } from "../../store/prisma.ts";
import { closeTasksAbout } from "../tasks/tasks.ts";
import { publishInboxChange } from "./inbox-events.ts";

type Tx = Prisma.TransactionClient;

/** How a handover ended. */
export type HandBackReason = "staff" | "quiet_time";

/** Closes an open handover in the caller's transaction. Returns the nudge job ids to sync, or null when it was not open. */
export async function closeHandover(
  tx: Tx,
  input: { handover: Handover; reason: HandBackReason; staffId: string | null; now: Date },
): Promise<string[] | null> {
  const { handover, now } = input;
  const { count } = await tx.handover.updateMany({
    where: { id: handover.id, status: "open" },
    data: { status: "closed", closedAt: now, closedReason: input.reason, closedByStaffId: input.staffId },
  });
  if (!count) return null;
  await closeTasksAbout(tx, {
    kind: "handover",
    subjectKey: "handoverId",
    subjectId: handover.id,
    now,
    staffId: input.staffId,
  });
  await tx.auditEvent.create({
    data: {
      type: "handover.closed",
      organisationId: handover.organisationId,
      actor: input.staffId ? `staff:${input.staffId}` : "bot",
      subjectType: "handover",
      subjectId: handover.id,
      data: { reason: input.reason },
    },
  });
  if (handover.organisationId)
    await publishInboxChange(tx, { organisationId: handover.organisationId, handoverId: handover.id });
  return cancelNudges(
    tx,
    { subjectId: handover.id, kind: { in: ["handover_unanswered", "handover_quiet"] } },
    "closed",
  );
}

/**
 * Where the client is told that the bot is back: the conversation they wrote in last (the one
 * rule, conversationToWrite), which may be another of theirs than the one they asked in; null
 * when none can be written to. A handover without a client: its own conversation, if active.
 */
export async function handBackConversation(
  tx: Tx,
  handover: Pick<Handover, "conversationId" | "clientId">,
): Promise<{ id: string; locale: string | null } | null> {
  if (handover.clientId) {
    const target = await conversationToWrite(tx, handover.clientId);
    return "notSent" in target ? null : target;
  }
  const own = await tx.conversation.findUnique({ where: { id: handover.conversationId } });
  return own?.status === "active" ? own : null;
}

/** What the client is told in one conversation when the bot is back. */
export interface BackToBot {
  conversationId: string;
  locale: string | null;
  outputs: Output[];
}

/**
 * What the client is told, conversation by conversation: in `to` (the one to write to, see
 * handBackConversation) that the bot is back, with the question its flow waits at; in each other
 * active conversation of the client whose flow waits at a question, the same words and that
 * question. Nothing when `to` is null: the client cannot be written to (opting out where they
 * wrote last stops every conversation, as conversationToWrite says).
 */
export async function backToBotEverywhere(
  tx: Tx,
  input: {
    handover: Pick<Handover, "clientId">;
    to: { id: string; locale: string | null } | null;
    reason: HandBackReason;
    flows: FlowRegistry;
    context: EngineContext;
  },
): Promise<BackToBot[]> {
  const { to, handover } = input;
  if (!to) return [];
  const back: Output = { key: input.reason === "staff" ? "handover.back" : "handover.back_quiet" };
  const told: BackToBot[] = [
    {
      conversationId: to.id,
      locale: to.locale,
      outputs: [back, ...(await waitingQuestion(tx, to.id, input))],
    },
  ];
  if (!handover.clientId) return told;
  const others = await tx.conversation.findMany({
    where: { clientId: handover.clientId, status: "active", id: { not: to.id } },
    orderBy: { createdAt: "asc" },
    select: { id: true, locale: true },
  });
  for (const other of others) {
    const question = await waitingQuestion(tx, other.id, input);
    if (question.length)
      told.push({ conversationId: other.id, locale: other.locale, outputs: [back, ...question] });
  }
  return told;
}

/** The question the flow of `conversationId` waits at, asked again; none when no run waits for input. */
async function waitingQuestion(
  tx: Tx,
  conversationId: string,
  input: { flows: FlowRegistry; context: EngineContext },
): Promise<Output[]> {
  const run = await tx.flowRun.findFirst({
    where: { conversationId, status: "active", stepId: { not: null } },
    orderBy: { startedAt: "desc" },
  });
  if (!run) return [];
  const flow =
    input.flows.version(run.flowId, run.flowVersion) ??
    (input.flows.has(run.flowId) ? input.flows.latest(run.flowId) : undefined);
  if (!flow) return [];
  return repromptRun(flow, run.state as unknown as RunState, input.context).outputs;
}
