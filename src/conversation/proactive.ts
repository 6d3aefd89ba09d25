/**
 * Messages to a client outside a turn (appointment notices, reminders, check-ins, broadcasts):
 * rendered in the language of the conversation the one rule picks (conversationToWrite) and written to the
 * outbox in the caller's transaction. Nothing is written for a client who opted out, blocked the
 * bot or withdrew consent; the reason is returned instead.
 */
import type { Output } from "../engine/types.ts";
import { renderOutputs } from "../i18n/render.ts";
import type { Translator } from "../i18n/translator.ts";
import type { OutboxPort } from "../outbox/outbox.ts";
import { conversationToWrite } from "../store/conversation-to-write.ts";
import type { DbClient } from "../store/prisma.ts";

export type ProactiveResult = { messageIds: bigint[]; conversationId: string } | { notSent: string };

/** The conversation to write to for a case's client (store/conversation-to-write.ts). */
export async function conversationForCase(
  tx: DbClient,
  caseId: string,
): Promise<{ id: string; locale: string | null } | { notSent: string }> {
  const found = await tx.case.findUnique({ where: { id: caseId }, select: { clientId: true } });
  if (!found?.clientId) return { notSent: "no client linked" };
  const conversation = await conversationToWrite(tx, found.clientId);
  return "notSent" in conversation ? conversation : { id: conversation.id, locale: conversation.locale };
}

/** Renders `outputs` for the case's client and writes them to the outbox (keys `<key>:<n>`). */
export async function writeToCaseClient(
  tx: DbClient,
  deps: { translator: Translator; outbox: OutboxPort },
  input: { caseId: string; outputs: Output[]; idempotencyKey: string },
): Promise<ProactiveResult> {
  const conversation = await conversationForCase(tx, input.caseId);
  if ("notSent" in conversation) return conversation;
  const messageIds: bigint[] = [];
  const rendered = renderOutputs(input.outputs, conversation.locale ?? "en", deps.translator);
  for (const [index, { key, message }] of rendered.entries()) {
    messageIds.push(
      await deps.outbox.write(tx, {
        conversationId: conversation.id,
        idempotencyKey: `${input.idempotencyKey}:${index}`,
        messageKey: key,
        message,
      }),
    );
  }
  return { messageIds, conversationId: conversation.id };
}
