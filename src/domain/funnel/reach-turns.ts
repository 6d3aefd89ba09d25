/** The funnel's "reached": counted in the turn that starts onboarding (before consent, a count only). */
import { afterEffects, type TurnContext } from "../../conversation/turn-registry.ts";
import { recordReach } from "./reach.ts";

const startedOnboarding = (ctx: TurnContext) =>
  ctx.stack.touched.find((run) => !run.id && run.flow.id === "onboarding");

export const reachTurns = [
  afterEffects(
    async (tx, ctx) => {
      const onboarding = startedOnboarding(ctx);
      if (onboarding) {
        const code = onboarding.state.vars.invite_code;
        await recordReach(tx, {
          conversationId: ctx.target.conversationId,
          inviteCode: typeof code === "string" ? code : null,
          now: ctx.now,
        });
      }
      return { outputs: [] };
    },
    (ctx) => !startedOnboarding(ctx),
  ),
];
