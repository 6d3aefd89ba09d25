/**
 * What the conversation core asks of privacy: recording a consent decision (the Client is
 * created only when the person accepts) and erasing everything on request (built with the nudge
 * queue: the erased person's timers are removed once the transaction has committed).
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import type { EffectTarget } from "../../conversation/effects.ts";
import {
  type EffectPartsHandler,
  onEffect,
  type TurnRegistration,
} from "../../conversation/turn-registry.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { syncTimers } from "../../scheduling/nudge-store.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import type { WritePart } from "../../store/sql-write.ts";
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

/**
 * The same decision as parts of the turn's one statement (conversation/turn-write.ts): the new
 * Client (its id made here, so the conversation's row and later effects can name it) and the
 * Consent row. The conversation's `clientId` is written by the core from `target`.
 */
const recordConsentAtOnce: EffectPartsHandler<"record_consent"> = async (_read, target, effect, p, tag) => {
  const now = p.add(new Date(), "timestamp");
  const parts: WritePart[] = [];
  const accepted = effect.decision === "accepted";
  if (accepted && !target.clientId) {
    target.clientId = randomUUID();
    const sql = `INSERT INTO "Client" (id, "displayName", locale, "createdAt")
      VALUES (${p.add(target.clientId, "text")}, ${p.add(target.displayName ?? null, "text")}, ${p.add(target.locale, "text")}, ${now})`;
    parts.push({ name: `${tag}_client`, sql });
  }
  const sql = `INSERT INTO "Consent" (id, "conversationId", "clientId", "noticeVersion", decision, channel, "decidedAt")
    VALUES (${p.add(randomUUID(), "text")}, ${p.add(target.conversationId, "text")}, ${p.add(accepted ? target.clientId : null, "text")},
            ${p.add(PRIVACY_NOTICE_VERSION, "text")}, ${p.add(effect.decision, '"ConsentDecision"')}, ${p.add(target.channel, '"Channel"')}, ${now})`;
  parts.push({ name: `${tag}_consent`, sql });
  return { parts, outcome: { declined: !accepted } };
};

export const consentTurns = [
  onEffect(
    "record_consent",
    async (tx, target, effect) => {
      await recordConsent(tx, target, effect.decision);
      return { declined: effect.decision === "declined" };
    },
    recordConsentAtOnce,
  ),
];

/** `/delete` confirmed: erases the person; `db` and `queue` remove their nudge timers after commit. */
export function erasureTurns(db: Db, queue: Queue<NudgeJobData>): TurnRegistration[] {
  return [
    onEffect("erase_client", async (tx, target) => {
      const { nudgeJobIds } = await eraseByConversation(tx, target.conversationId);
      target.clientId = null;
      const removeTimers = () => syncTimers(db, queue, nudgeJobIds);
      return { erased: true, afterCommit: nudgeJobIds.length ? [removeTimers] : [] };
    }),
  ];
}
