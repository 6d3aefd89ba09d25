/**
 * What the conversation core asks of cases: linking the client to the case or programme of their
 * invite code (during onboarding, or later with /start <code>).
 */
import type { EffectTarget } from "../../conversation/effects.ts";
import { onEffect } from "../../conversation/turn-registry.ts";
import type { DbClient } from "../../store/prisma.ts";
import { linkClient } from "./client-linking.ts";
import { resolveInvite } from "./invites.ts";
import { linkCaseAtOnce } from "./link-at-once.ts";

/** Links the target's client to the case or programme of the run's `invite_code` (a lead without one). */
export async function linkCase(tx: DbClient, target: EffectTarget): Promise<void> {
  if (!target.clientId) return;
  const code = typeof target.vars.invite_code === "string" ? target.vars.invite_code : null;
  const invite = code ? await resolveInvite(tx, code) : null;
  const link = await linkClient(tx, { clientId: target.clientId, invite });
  if (link.kind === "no-intake") {
    await forgetClient(tx, target);
    return;
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
}

/**
 * No programme can take a client who came without a code: keep the consent decision (on the
 * conversation), nothing else — no client, so no name, no language, no messages' text.
 */
async function forgetClient(tx: DbClient, target: EffectTarget): Promise<void> {
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

export const caseTurns = [
  onEffect(
    "link_case",
    async (tx, target) => {
      await linkCase(tx, target);
      return undefined;
    },
    linkCaseAtOnce,
  ),
];
