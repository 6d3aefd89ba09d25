/**
 * The funnel's "reached": counted with the turn that starts onboarding (before consent, a count
 * only), as parts of the turn's write (reach.ts).
 */
import { afterTurn } from "../../conversation/turn-registry.ts";
import { reachParts } from "./reach.ts";

export const reachTurns = [
  afterTurn(async (turn, params) => {
    const onboarding = turn.startedRuns.find((run) => run.flowId === "onboarding");
    if (!onboarding) return undefined;
    const code = onboarding.vars.invite_code;
    const inviteCode = typeof code === "string" ? code : null;
    return reachParts(params, { conversationId: turn.conversationId, inviteCode, now: turn.now });
  }),
];
