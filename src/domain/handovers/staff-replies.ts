/**
 * A person writes to a client: free text as written, or a quick reply rendered in the client's
 * language. The message goes through the outbox to the conversation the client last used, marked
 * with its author; an open handover counts it as answered (its "unanswered" timer goes, its quiet
 * time starts). A staff member hands the conversation back to the bot here too.
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import { conversationForCase } from "../../conversation/proactive.ts";
import type { EngineContext } from "../../engine/types.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import { renderOutputs } from "../../i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../../i18n/translator.ts";
import type { OutboxPort } from "../../outbox/outbox.ts";
import type { NudgeJobData } from "../../scheduling/nudge-queue.ts";
import { syncTimers } from "../../scheduling/nudge-store.ts";
import { openHandoverOfConversation } from "../../store/open-handover.ts";
import type { Db, DbClient } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";
import { backToBotEverywhere, closeHandover, handBackConversation } from "./hand-back.ts";
import { planQuietNudge } from "./handovers.ts";
import { publishInboxChange } from "./inbox-events.ts";
import { looksForeignTo } from "./language-guess.ts";
import {
  missingParams,
  type QuickReplyKey,
  type QuickReplyParams,
  renderQuickReply,
} from "./quick-replies.ts";

/** What writing to clients needs. */
export interface StaffReplyDeps {
  db: Db;
  translator: Translator;
  outbox: OutboxPort;
  nudgeQueue?: Queue<NudgeJobData>;
  flows: FlowRegistry;
  /** TZ_DEFAULT: for programmes without a zone, and the engine's "today". */
  timeZone: string;
  now?: () => Date;
}

/** Free text, or a quick reply with its parameters. */
export type StaffMessage = { text: string } | { quickReply: QuickReplyKey; params?: QuickReplyParams };

/** What was queued, and whether the text looked foreign to the client (free text only). */
export interface SentStaffMessage {
  messageId: bigint;
  conversationId: string;
  locale: string;
  notInClientLanguage: boolean;
}

/** The client cannot be written to (no conversation, opted out, blocked, erased). */
export class ClientUnreachable extends DomainError {}

/** Refuses a message that cannot be sent as it is (an incomplete quick reply, empty text). */
function checkMessage(message: StaffMessage): void {
  if ("quickReply" in message) {
    const missing = missingParams(message.quickReply, message.params ?? {});
    if (missing.length)
      throw new DomainError(`The quick reply needs: ${missing.join(", ")}.`, {
        code: "quick_reply_incomplete",
      });
  } else if (!message.text.trim()) {
    throw new DomainError("The message is empty.", { code: "message_empty" });
  }
}

/** The message as the client reads it, in `locale`. */
function outboundIn(deps: StaffReplyDeps, message: StaffMessage, locale: string) {
  return "quickReply" in message
    ? renderQuickReply(deps.translator, { key: message.quickReply, params: message.params ?? {}, locale })
    : { text: message.text, locale, direction: deps.translator.dir(locale) };
}

/** A key used for another message: the caller reused it by mistake, and nothing is sent. */
export class IdempotencyKeyReused extends DomainError {}

/**
 * The message written before under `key`, if any: the same message asked again (a resubmitted
 * form, a retried call) answers as the first time did. A different one under that key is refused.
 */
async function writtenBefore(tx: DbClient, deps: StaffReplyDeps, key: string, message: StaffMessage) {
  const earlier = await tx.message.findUnique({
    where: { idempotencyKey: key },
    select: { id: true, conversationId: true, text: true, payload: true },
  });
  if (!earlier) return null;
  const locale = (earlier.payload as { locale?: string } | null)?.locale ?? "en";
  if (outboundIn(deps, message, locale).text !== earlier.text)
    throw new IdempotencyKeyReused("This idempotency key was used for another message.", {
      code: "idempotency_key_reused",
    });
  return { messageId: earlier.id, conversationId: earlier.conversationId, locale, jobIds: [] as string[] };
}

/**
 * Queues a staff member's message to the case's client. `caseId` must already be in the staff
 * member's scope. `idempotencyKey` (a form's submission, an API caller's key, scoped to the case
 * by the caller): the message is written once per key; asking again returns the first one.
 */
export async function sendStaffMessage(
  deps: StaffReplyDeps,
  input: { caseId: string; staffId: string; message: StaffMessage; idempotencyKey?: string },
): Promise<SentStaffMessage> {
  const now = deps.now?.() ?? new Date();
  const { message } = input;
  checkMessage(message);
  const idempotencyKey = input.idempotencyKey ?? `staff:${randomUUID()}`;
  const sent = await deps.db.$transaction(async (tx) => {
    const earlier = await writtenBefore(tx, deps, idempotencyKey, message);
    if (earlier) return earlier;
    const conversation = await conversationForCase(tx, input.caseId);
    if ("notSent" in conversation)
      throw new ClientUnreachable(`The client cannot be reached: ${conversation.notSent}.`);
    const locale = conversation.locale ?? "en";
    const messageId = await deps.outbox.write(tx, {
      conversationId: conversation.id,
      idempotencyKey,
      messageKey: "quickReply" in message ? `quick-replies.${message.quickReply}` : "staff.text",
      message: outboundIn(deps, message, locale),
      kind: "counsellor",
      authorStaffId: input.staffId,
    });
    const jobIds = await answerHandover(tx, deps, conversation.id, now);
    return { messageId, conversationId: conversation.id, locale, jobIds };
  });
  await deps.outbox.dispatch([sent.messageId]);
  if (deps.nudgeQueue && sent.jobIds.length) await syncTimers(deps.db, deps.nudgeQueue, sent.jobIds, now);
  return {
    messageId: sent.messageId,
    conversationId: sent.conversationId,
    locale: sent.locale,
    notInClientLanguage: "text" in message ? looksForeignTo(message.text, sent.locale) : false,
  };
}

/**
 * The open handover of the client written to (asked for in this or another of their
 * conversations) counts as answered: its quiet time starts. Returns the job ids to sync.
 */
async function answerHandover(tx: DbClient, deps: StaffReplyDeps, conversationId: string, now: Date) {
  const open = await openHandoverOfConversation(tx, conversationId);
  if (!open) return [];
  await tx.handover.update({
    where: { id: open.id },
    data: { answeredAt: open.answeredAt ?? now, lastStaffAt: now },
  });
  const jobIds = await planQuietNudge(tx, open.id, now, deps.timeZone);
  if (open.organisationId)
    await publishInboxChange(tx, { organisationId: open.organisationId, handoverId: open.id });
  return jobIds;
}

/**
 * Hands an open handover back to the bot: closed, its task done, and the client told so with
 * their waiting question again, in every conversation of theirs where one waits
 * (backToBotEverywhere). `handoverId` must already be in the staff member's scope. Returns false
 * when it was no longer open: a second hand-back (a double click, a retried call) sends nothing.
 */
export async function handBackToBot(
  deps: StaffReplyDeps,
  input: { handoverId: string; staffId: string },
): Promise<boolean> {
  const now = deps.now?.() ?? new Date();
  const context: EngineContext = { now, timeZone: deps.timeZone, locales: CLIENT_LOCALES };
  const done = await deps.db.$transaction(async (tx) => {
    const handover = await tx.handover.findUnique({ where: { id: input.handoverId } });
    if (!handover) return null;
    const jobIds = await closeHandover(tx, { handover, reason: "staff", staffId: input.staffId, now });
    if (!jobIds) return null;
    const told = await backToBotEverywhere(tx, {
      handover,
      to: await handBackConversation(tx, handover),
      reason: "staff",
      flows: deps.flows,
      context,
    });
    const ids: bigint[] = [];
    for (const { conversationId, locale, outputs } of told) {
      for (const [index, { key, message }] of renderOutputs(
        outputs,
        locale ?? "en",
        deps.translator,
      ).entries())
        ids.push(
          await deps.outbox.write(tx, {
            conversationId,
            idempotencyKey: `handback:${handover.id}:${conversationId}:${index}`,
            messageKey: key,
            message,
          }),
        );
    }
    return { jobIds, ids };
  });
  if (!done) return false;
  if (done.ids.length) await deps.outbox.dispatch(done.ids);
  if (deps.nudgeQueue && done.jobIds.length) await syncTimers(deps.db, deps.nudgeQueue, done.jobIds, now);
  return true;
}
