/**
 * `/link` and `/link <code>`: one person on two channels (domain/cases/channel-links.ts). Without
 * a code, a consented client gets one to type in the other app; with a code, this conversation
 * joins that client, drops whatever flow it was in (onboarding, mostly: the consent and language
 * carry over) and answers in the client's language.
 */
import type { InboundMessage } from "../channels/types.ts";
import {
  createLinkCode,
  LINK_CODE_MINUTES,
  type LinkOutcome,
  redeemLinkCode,
} from "../domain/cases/channel-links.ts";
import type { Output } from "../engine/types.ts";
import type { ConversationDeps } from "./conversation-service.ts";
import type { EffectTarget } from "./effects.ts";
import type { FlowStack, StackRun } from "./flow-stack.ts";

const OUTCOME_KEYS: Record<Exclude<LinkOutcome["kind"], "linked">, string> = {
  invalid: "link.invalid",
  too_many_tries: "link.too_many_tries",
  same_conversation: "link.same_conversation",
  already_linked: "link.already_linked",
  other_client: "link.other_client",
};

/** Runs the command; returns what to say, and the runs it ended (in `abandoned`). */
export async function linkCommand(
  deps: ConversationDeps,
  msg: InboundMessage,
  turn: {
    target: EffectTarget;
    consented: boolean;
    stack: FlowStack;
    abandoned: StackRun[];
    argument?: string;
  },
): Promise<Output> {
  const { target } = turn;
  const now = deps.now?.() ?? new Date();
  if (!turn.argument) {
    if (!turn.consented || !target.clientId) return { key: "link.need_consent" };
    const code = await createLinkCode(deps.db, {
      clientId: target.clientId,
      conversationId: target.conversationId,
      now,
    });
    return { key: "link.code", params: { code, minutes: String(LINK_CODE_MINUTES) } };
  }
  const outcome = await redeemLinkCode(deps.db, {
    conversationId: target.conversationId,
    channel: msg.channel,
    typed: turn.argument,
    now,
  });
  if (outcome.kind !== "linked") return { key: OUTCOME_KEYS[outcome.kind] };
  target.clientId = outcome.clientId;
  target.locale = outcome.locale;
  turn.abandoned.push(...turn.stack.abandonAll());
  return { key: "link.linked" };
}
