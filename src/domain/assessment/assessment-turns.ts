/**
 * The self-assessment in the conversation: it starts with the programme's settings, and when it
 * completes the assessment is stored and the client gets the summary.
 */

import { DateTime } from "luxon";
import { onFlowCompleted, onFlowStart, type TurnContext } from "../../conversation/turn-registry.ts";
import type { FlowDefinition } from "../../engine/types.ts";
import { startOnboarding } from "../cases/onboarding-turns.ts";
import { assessmentVars, completeAssessment, SELF_ASSESSMENT_FLOW } from "./assessment-completion.ts";

/** The locale key of the label of choice `code` in the question that saves `answer`. */
function choiceLabelKey(flow: FlowDefinition, answer: string, code: string): string | undefined {
  const step = flow.steps.find((s) => "prompt" in s && (s.save ?? s.id) === answer);
  return step && "choices" in step ? step.choices.find((c) => c.id === code)?.label : undefined;
}

export const assessmentTurns = [
  onFlowStart(SELF_ASSESSMENT_FLOW, assessmentVars),
  onFlowCompleted(SELF_ASSESSMENT_FLOW, async (tx, { target, answers, vars, now, timeZone, flows }) => {
    if (!target.clientId) return undefined;
    const flow = flows.latest(SELF_ASSESSMENT_FLOW);
    return completeAssessment(tx, {
      clientId: target.clientId,
      flowVersion: flow.version,
      answers,
      vars,
      today: DateTime.fromJSDate(now, { zone: timeZone }).toISODate() as string,
      labelOf: (answer, code) => choiceLabelKey(flow, answer, code),
    });
  }),
];

/** /assessment: the questionnaire for a client, the privacy notice first for anyone else. */
export async function assessmentCommand(ctx: TurnContext): Promise<void> {
  if (ctx.consented && ctx.flows.has(SELF_ASSESSMENT_FLOW)) ctx.stack.start(SELF_ASSESSMENT_FLOW);
  else if (!ctx.consented) await startOnboarding(ctx);
  else ctx.reply({ key: "common.nothing_to_do" });
}
