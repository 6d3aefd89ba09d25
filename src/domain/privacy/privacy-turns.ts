/**
 * What the conversation core asks of privacy: recording a consent decision (the Client is
 * created only when the person accepts) and erasing everything on request.
 */
import type { EffectTarget } from "../../conversation/effects.ts";
import { onEffect } from "../../conversation/turn-registry.ts";
import type { DbClient } from "../../store/prisma.ts";
import { eraseByConversation } from "./erasure.ts";
import { PRIVACY_NOTICE_VERSION } from "./privacy-notice.ts";

async function recordConsent(
  tx: DbClient,
  target: EffectTarget,
  decision: "accepted" | "declined",
): Promise<void> {
  if (decision === "accepted" && !target.clientId) {
    const client = await tx.client.create({
      data: { locale: target.locale, ...(target.displayName ? { displayName: target.displayName } : {}) },
    });
    target.clientId = client.id;
    await tx.conversation.update({ where: { id: target.conversationId }, data: { clientId: client.id } });
  }
  await tx.consent.create({
    data: {
      conversationId: target.conversationId,
      clientId: decision === "accepted" ? target.clientId : null,
      noticeVersion: PRIVACY_NOTICE_VERSION,
      decision,
      channel: target.channel,
    },
  });
}

export const privacyTurns = [
  onEffect("record_consent", async (tx, target, effect) => {
    await recordConsent(tx, target, effect.decision);
    return { declined: effect.decision === "declined" };
  }),
  onEffect("erase_client", async (tx, target) => {
    await eraseByConversation(tx, target.conversationId);
    target.clientId = null;
    return { erased: true };
  }),
];
