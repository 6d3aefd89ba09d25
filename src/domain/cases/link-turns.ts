/**
 * `/link` and `/link <code>`: one person on two channels (channel-links.ts). Without a code, a
 * consented client gets one to type in the other app; with a code, this conversation joins that
 * client, drops whatever flow it was in (onboarding, mostly: the consent and language carry over)
 * and answers in the client's language.
 */
import type { TurnContext } from "../../conversation/turn-registry.ts";
import { createLinkCode, LINK_CODE_MINUTES, type LinkOutcome, redeemLinkCode } from "./channel-links.ts";

const OUTCOME_KEYS: Record<Exclude<LinkOutcome["kind"], "linked">, string> = {
  invalid: "link.invalid",
  too_many_tries: "link.too_many_tries",
  same_conversation: "link.same_conversation",
  already_linked: "link.already_linked",
  other_client: "link.other_client",
};

/** The `/link` row of the command table. */
export async function linkCommand(ctx: TurnContext, argument: string | undefined): Promise<void> {
  const { target } = ctx;
  if (!argument) {
    if (!ctx.consented || !target.clientId) return ctx.reply({ key: "link.need_consent" });
    const code = await createLinkCode(ctx.db, {
      clientId: target.clientId,
      conversationId: target.conversationId,
      now: ctx.now,
    });
    return ctx.reply({ key: "link.code", params: { code, minutes: String(LINK_CODE_MINUTES) } });
  }
  const outcome = await redeemLinkCode(ctx.db, {
    conversationId: target.conversationId,
    channel: ctx.message.channel,
    typed: argument,
    now: ctx.now,
  });
  if (outcome.kind !== "linked") return ctx.reply({ key: OUTCOME_KEYS[outcome.kind] });
  target.clientId = outcome.clientId;
  target.locale = outcome.locale;
  ctx.abandonAll();
  ctx.reply({ key: "link.linked" });
}
