/**
 * One person, two channels. `/link` in a conversation whose client consented gives a code;
 * `/link <code>` typed in another conversation (Teams after Telegram, or the reverse) makes that
 * conversation the same client's: the same cases, the consent carried over (a Consent row for the
 * new conversation, same notice version), the same language. Proactive messages then go to the
 * conversation the client wrote in last (conversation/proactive.ts), and /delete erases every
 * conversation of the client (privacy/erasure.ts).
 *
 * Codes are 8 digits (easy to type for someone who reads little), valid 10 minutes, used once;
 * a conversation that typed 5 wrong codes (of either kind: staff codes count too) waits an hour,
 * so guessing someone's code is hopeless.
 */
import { randomInt } from "node:crypto";
import type { Channel } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { parseLinkCode } from "./link-code-shapes.ts";

export const LINK_CODE_MINUTES = 10;
export const LINK_MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 3600_000;

/** What `/link <code>` did. */
export type LinkOutcome =
  | { kind: "linked"; clientId: string; locale: string }
  | { kind: "invalid" }
  | { kind: "too_many_tries" }
  | { kind: "same_conversation" }
  | { kind: "already_linked" }
  | { kind: "other_client" };

/** A new code for the client of `conversationId` (earlier codes of theirs stop working), as "1234 5678". */
export async function createLinkCode(
  db: Db,
  input: { clientId: string; conversationId: string; now: Date },
): Promise<string> {
  await db.channelLinkCode.deleteMany({ where: { clientId: input.clientId } });
  for (;;) {
    const code = String(randomInt(0, 100_000_000)).padStart(8, "0");
    const expiresAt = new Date(input.now.getTime() + LINK_CODE_MINUTES * 60_000);
    const created = await db.channelLinkCode
      .create({ data: { code, clientId: input.clientId, conversationId: input.conversationId, expiresAt } })
      .catch((error: { code?: string }) => {
        if (error.code === "P2002") return undefined; // taken: draw again
        throw error;
      });
    if (created) return `${code.slice(0, 4)} ${code.slice(4)}`;
  }
}

/** Wrong codes (of either kind, link-code-shapes.ts) typed in the conversation within the last hour. */
export async function recentLinkFailures(db: Db, conversationId: string, now: Date): Promise<number> {
  const last = await db.channelLinkFailures.findUnique({ where: { conversationId } });
  return last && now.getTime() - last.lastAt.getTime() < FAILURE_WINDOW_MS ? last.count : 0;
}

/** Counts one more wrong code typed in the conversation (`failures`: the recent ones before it). */
export async function countLinkFailure(db: Db, conversationId: string, failures: number, now: Date) {
  await db.channelLinkFailures.upsert({
    where: { conversationId },
    create: { conversationId, count: 1, lastAt: now },
    update: { count: failures + 1, lastAt: now },
  });
}

/** Redeems `typed` for conversation `conversationId`; see LinkOutcome. */
export async function redeemLinkCode(
  db: Db,
  input: { conversationId: string; channel: Channel; typed: string; now: Date },
): Promise<LinkOutcome> {
  const { conversationId, now } = input;
  const conversation = await db.conversation.findUniqueOrThrow({
    where: { id: conversationId },
    select: { clientId: true },
  });
  const failures = await recentLinkFailures(db, conversationId, now);
  if (failures >= LINK_MAX_FAILURES) return { kind: "too_many_tries" };
  const typed = parseLinkCode(input.typed);
  const code = typed?.kind === "client" ? typed.code : "";
  const found = code ? await db.channelLinkCode.findFirst({ where: { code, expiresAt: { gt: now } } }) : null;
  if (!found) {
    await countLinkFailure(db, conversationId, failures, now);
    return { kind: "invalid" };
  }
  if (found.conversationId === conversationId) return { kind: "same_conversation" };
  if (conversation.clientId === found.clientId) return { kind: "already_linked" };
  if (conversation.clientId) return { kind: "other_client" };
  return join(db, { ...input, code, clientId: found.clientId, fromConversationId: found.conversationId });
}

/** Makes the conversation the client's, in one transaction, and uses the code up. */
async function join(
  db: Db,
  input: {
    conversationId: string;
    channel: Channel;
    code: string;
    clientId: string;
    fromConversationId: string;
  },
): Promise<LinkOutcome> {
  return db.$transaction(async (tx) => {
    const client = await tx.client.findUniqueOrThrow({
      where: { id: input.clientId },
      select: { locale: true },
    });
    const consent = await tx.consent.findFirst({
      where: { clientId: input.clientId, decision: "accepted" },
      orderBy: { decidedAt: "desc" },
      select: { noticeVersion: true },
    });
    await tx.channelLinkCode.delete({ where: { code: input.code } });
    await tx.conversation.update({
      where: { id: input.conversationId },
      data: { clientId: input.clientId, locale: client.locale },
    });
    await tx.channelLinkFailures.deleteMany({ where: { conversationId: input.conversationId } });
    if (consent) {
      await tx.consent.create({
        data: {
          conversationId: input.conversationId,
          clientId: input.clientId,
          noticeVersion: consent.noticeVersion,
          decision: "accepted",
          channel: input.channel,
        },
      });
    }
    await tx.auditEvent.create({
      data: {
        type: "client.channel_linked",
        actor: "client",
        subjectType: "conversation",
        subjectId: input.conversationId,
        data: { from: input.fromConversationId, channel: input.channel },
      },
    });
    return { kind: "linked", clientId: input.clientId, locale: client.locale };
  });
}
