/**
 * Applying the engine's effects to the store, inside the turn's transaction. Each effect is a
 * small, named change: the conversation's language, a consent decision (the Client is created
 * only when the person accepts), linking to a case, erasure, a note for the counsellor.
 */

import { linkClient } from "../domain/cases/client-linking.ts";
import { resolveInvite } from "../domain/cases/invites.ts";
import { eraseByConversation } from "../domain/privacy/erasure.ts";
import { PRIVACY_NOTICE_VERSION } from "../domain/privacy/privacy-notice.ts";
import type { Effect, VarValue } from "../engine/types.ts";
import type { Prisma } from "../store/prisma.ts";

/** What the turn needs to know about the conversation while applying effects (mutated as they apply). */
export interface EffectTarget {
  conversationId: string;
  channel: "telegram" | "webchat" | "teams";
  clientId: string | null;
  locale: string;
  displayName: string | undefined;
  /** Run variables of the run the effect came from (invite code, …). */
  vars: Record<string, VarValue>;
}

/** What applying the effects changed about the turn. */
export interface EffectOutcome {
  erased: boolean;
  declined: boolean;
}

/** Applies `effects` in order. */
export async function applyEffects(
  tx: Prisma.TransactionClient,
  target: EffectTarget,
  effects: readonly Effect[],
): Promise<EffectOutcome> {
  const outcome: EffectOutcome = { erased: false, declined: false };
  for (const effect of effects) {
    switch (effect.type) {
      case "set_locale":
        target.locale = effect.locale;
        await tx.conversation.update({
          where: { id: target.conversationId },
          data: { locale: effect.locale },
        });
        if (target.clientId)
          await tx.client.update({ where: { id: target.clientId }, data: { locale: effect.locale } });
        break;
      case "record_consent":
        await recordConsent(tx, target, effect.decision);
        if (effect.decision === "declined") outcome.declined = true;
        break;
      case "link_case": {
        if (!target.clientId) break;
        const code = typeof target.vars.invite_code === "string" ? target.vars.invite_code : null;
        const invite = code ? await resolveInvite(tx, code) : null;
        const link = await linkClient(tx, { clientId: target.clientId, invite });
        if (link.kind === "no-intake") {
          await forgetClient(tx, target);
          break;
        }
        await tx.auditEvent.create({
          data: {
            type: "client.linked",
            organisationId: link.organisationId,
            actor: "client",
            subjectType: "case",
            subjectId: link.caseId,
            data: { kind: link.kind },
          },
        });
        break;
      }
      case "erase_client":
        await eraseByConversation(tx, target.conversationId);
        target.clientId = null;
        outcome.erased = true;
        return outcome;
      case "notify_counsellor":
        await tx.auditEvent.create({
          data: {
            type: "counsellor.notify",
            actor: "client",
            subjectType: "conversation",
            subjectId: target.conversationId,
            data: { reason: effect.reason },
          },
        });
        break;
      case "start_flow":
      case "flow_completed":
        break; // handled by the turn (they concern runs, not the store)
    }
  }
  return outcome;
}

/**
 * No programme can take a client who came without a code: keep the consent decision (on the
 * conversation), nothing else — no client, so no name, no language, no messages' text.
 */
async function forgetClient(tx: Prisma.TransactionClient, target: EffectTarget): Promise<void> {
  const clientId = target.clientId;
  // Only a client made in this turn: one who is already in a case stays as they are.
  if (!clientId || (await tx.case.count({ where: { clientId } })) > 0) return;
  await tx.consent.updateMany({ where: { clientId }, data: { clientId: null } });
  await tx.conversation.updateMany({ where: { clientId }, data: { clientId: null } });
  await tx.client.delete({ where: { id: clientId } });
  target.clientId = null;
  await tx.auditEvent.create({
    data: {
      type: "client.no_intake",
      actor: "client",
      subjectType: "conversation",
      subjectId: target.conversationId,
    },
  });
}

async function recordConsent(
  tx: Prisma.TransactionClient,
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
