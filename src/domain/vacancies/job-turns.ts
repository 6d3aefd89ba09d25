/**
 * Jobs in the conversation: answers to an alert ("job:<id>:interested" …), to "why not"
 * ("jobwhy:…"), a tap on a digest's job ("jobshow:…"), and the /alerts choice when its flow completes.
 */
import {
  type ButtonHandler,
  onButton,
  onFlowCompleted,
  type TurnContext,
} from "../../conversation/turn-registry.ts";
import { ALERTS_FLOW, saveAlertChoice } from "./alert-choice.ts";
import { parseJobChoice, recordJobAnswer } from "./job-alerts.ts";

const answerJob: ButtonHandler = (ctx, choiceId) => {
  const tap = parseJobChoice(choiceId);
  if (!tap) return false;
  ctx.inTransaction((tx) =>
    recordJobAnswer(tx, { ...tap, clientId: ctx.target.clientId, now: ctx.now, timeZone: ctx.timeZone }),
  );
  return true;
};

export const jobTurns = [
  onButton("job", answerJob),
  onButton("jobwhy", answerJob),
  onButton("jobshow", answerJob),
  onFlowCompleted(ALERTS_FLOW, async (tx, { target, answers }) => {
    if (target.clientId) await saveAlertChoice(tx, target.clientId, answers);
    return undefined;
  }),
];

/** /alerts: how often jobs come (a client's choice, so consent first). */
export function alertsCommand(ctx: TurnContext): void {
  if (ctx.consented) ctx.stack.start(ALERTS_FLOW);
  else ctx.reply({ key: "jobs.alerts_need_consent" });
}
