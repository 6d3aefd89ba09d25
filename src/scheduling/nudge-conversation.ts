/**
 * Where a nudge is written when it fires. Appointment reminders, check-ins and a handover's
 * timers are for the client, so they follow the one rule (store/conversation-to-write.ts): the
 * client may have changed channel since the nudge was planned (a handover is the client's, from
 * any of their conversations: docs/decisions/0020). A nudge about one conversation (an idle
 * flow) stays in the conversation it was planned for.
 */
import type { Nudge, NudgeKind } from "../generated/prisma/client.ts";
import { conversationToWrite } from "../store/conversation-to-write.ts";
import type { DbClient } from "../store/prisma.ts";

const FOLLOWS_THE_CLIENT: ReadonlySet<NudgeKind> = new Set([
  "appointment_reminder",
  "checkin",
  "handover_unanswered",
  "handover_quiet",
]);

/** A conversation a nudge may be written to, or why not. */
export type NudgeConversation = { id: string; clientId: string; locale: string | null } | { notSent: string };

export async function nudgeConversation(
  tx: DbClient,
  nudge: Pick<Nudge, "kind" | "conversationId">,
): Promise<NudgeConversation> {
  const planned = nudge.conversationId
    ? await tx.conversation.findUnique({
        where: { id: nudge.conversationId },
        select: { id: true, clientId: true, status: true, locale: true },
      })
    : null;
  if (!planned?.clientId) return { notSent: "no conversation with a client" };
  const clientId = planned.clientId;
  if (!FOLLOWS_THE_CLIENT.has(nudge.kind)) {
    return planned.status === "active"
      ? { id: planned.id, clientId, locale: planned.locale }
      : { notSent: `conversation ${planned.status}` };
  }
  const target = await conversationToWrite(tx, clientId);
  return "notSent" in target ? target : { id: target.id, clientId, locale: target.locale };
}
