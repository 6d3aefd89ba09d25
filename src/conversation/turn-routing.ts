/**
 * Routing one inbound message: a command, an answer to a button outside flows (appointment,
 * check-in mood), input for the waiting flow, or the start of onboarding. Decides what the turn
 * does; the turn (conversation-service.ts) then applies it in one transaction.
 */
import type { InboundMessage } from "../channels/types.ts";
import { type AppointmentAnswer, parseResponseChoice } from "../domain/appointments/appointment-messages.ts";
import { SELF_ASSESSMENT_FLOW } from "../domain/assessment/assessment-completion.ts";
import { resolveInvite } from "../domain/cases/invites.ts";
import { CHECKIN_FLOW, parseMoodChoice } from "../domain/placements/checkin-messages.ts";
import { ALERTS_FLOW } from "../domain/vacancies/alert-choice.ts";
import { parseJobChoice } from "../domain/vacancies/job-alerts.ts";
import type { FlowInput, Output, VarValue } from "../engine/types.ts";
import type { Consent, ConversationStatus } from "../generated/prisma/client.ts";
import type { Db } from "../store/prisma.ts";
import { parseCommand } from "./commands.ts";
import type { ConversationDeps } from "./conversation-service.ts";
import { applyEffects, type EffectTarget } from "./effects.ts";
import type { FlowStack, StackRun } from "./flow-stack.ts";

/** What the turn will do besides what the flow stack recorded. */
export interface TurnPlan {
  status: ConversationStatus;
  /** Messages before the flows' outputs (command answers). */
  extra: Output[];
  /** Runs ended without finishing (a new onboarding). */
  abandoned: StackRun[];
  /** Answers to appointment buttons, applied in the transaction. */
  answers: { appointmentId: string; answer: AppointmentAnswer }[];
  /** Check-in mood taps, applied in the transaction. */
  moods: { checkInId: string; mood: number }[];
  /** Answers to job alerts ("interested", "not for me", why, show from a digest), applied in the transaction. */
  jobAnswers: NonNullable<ReturnType<typeof parseJobChoice>>[];
}

/** Decides what `msg` means for this conversation; feeds the flow stack. */
export async function routeInbound(
  deps: ConversationDeps,
  msg: InboundMessage,
  input: {
    stack: FlowStack;
    target: EffectTarget;
    consent: Consent | null;
    consented: boolean;
    status: ConversationStatus;
  },
): Promise<TurnPlan> {
  const abandoned: StackRun[] = [];
  /** Answers to buttons outside flows (appointment reminders), applied in the transaction. */
  const answers: { appointmentId: string; answer: AppointmentAnswer }[] = [];
  const moods: { checkInId: string; mood: number }[] = [];
  const jobAnswers: TurnPlan["jobAnswers"] = [];
  const extra: Output[] = [];
  let status = input.status === "blocked" ? "active" : input.status;

  const { stack, target, consent, consented } = input;
  const { db } = deps;
  const command = parseCommand(msg.text);
  const appointmentAnswer = parseResponseChoice(msg.choiceId);
  const moodTap = parseMoodChoice(msg.choiceId);
  const jobTap = parseJobChoice(msg.choiceId);
  const flowInput: FlowInput | undefined = msg.choiceId
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
  } else if (command?.name === "alerts") {
    if (consented) stack.start(ALERTS_FLOW);
    else extra.push({ key: "jobs.alerts_need_consent" });
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
  } else if (appointmentAnswer) {
    answers.push(appointmentAnswer);
  } else if (jobTap) {
    jobAnswers.push(jobTap);
  } else if (moodTap) {
    moods.push(moodTap);
    if (await ownsCheckIn(db, target.clientId, moodTap.checkInId)) {
      stack.start(CHECKIN_FLOW, { mood: moodTap.mood, checkin_id: moodTap.checkInId });
    }
  } else if (flowInput && stack.top) {
    stack.input(flowInput);
  } else if (consent?.decision === "declined" && !consented) {
    extra.push({ key: "onboarding.declined_reminder" });
  } else if (!consented) {
    stack.start("onboarding", await inviteVars(db, undefined));
  } else {
    extra.push({ key: "common.nothing_to_do" });
  }

  return { status, extra, abandoned, answers, moods, jobAnswers };
}

/** The facts onboarding starts with: what the /start code is. */
async function inviteVars(db: Db, code: string | undefined): Promise<Record<string, VarValue>> {
  const intake = (await db.programme.count({ where: { isDefaultIntake: true } })) > 0 ? "default" : "none";
  if (!code) return { invite: "none", invite_code: null, counsellor_name: null, intake };
  const invite = await resolveInvite(db, code);
  return {
    invite: invite.kind === "unknown" ? "invalid" : invite.kind,
    invite_code: code,
    counsellor_name: invite.kind === "case" ? invite.counsellorName : null,
    intake,
  };
}

/** /start <code> from a client who already consented: link now, and say so. */
async function linkLater(deps: ConversationDeps, target: EffectTarget, code: string): Promise<Output> {
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

/** Whether the check-in belongs to this client's case (a tap on someone else's button does nothing). */
async function ownsCheckIn(db: Db, clientId: string | null, checkInId: string): Promise<boolean> {
  if (!clientId) return false;
  const found = await db.checkIn.findFirst({
    where: { id: checkInId, placement: { case: { clientId } } },
    select: { id: true },
  });
  return found !== null;
}
