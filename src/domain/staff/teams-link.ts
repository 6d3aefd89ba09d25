/**
 * A staff member's Teams chat, linked to their console account: the console shows a code
 * ("ST-K7M3-9QX2", cases/link-code-shapes.ts), the staff member types it to the bot in Teams, and
 * that chat becomes theirs (Conversation.staffId, with its ConversationReference): the bot then
 * writes Teams cards to it (teams-cards.ts) and never treats it as a client's chat.
 *
 * A code is random (30⁸ ≈ 6.6·10¹¹), shown once, stored as its SHA-256 only, valid 15 minutes
 * and used once; a new code replaces the previous one. Wrong codes count with the client's
 * `/link` tries: a chat that typed 5 wrong ones waits an hour.
 */
import { randomInt } from "node:crypto";
import type { CounsellorLocale } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { countLinkFailure, LINK_MAX_FAILURES, recentLinkFailures } from "../cases/channel-links.ts";
import { formatStaffCode, STAFF_CODE_ALPHABET, STAFF_CODE_LENGTH } from "../cases/link-code-shapes.ts";
import { secretHash } from "./secret-tokens.ts";

export const STAFF_CODE_MINUTES = 15;

/** What typing a staff code in a Teams chat did. */
export type StaffLinkOutcome =
  | { kind: "linked"; staffId: string; locale: CounsellorLocale }
  | { kind: "invalid" }
  | { kind: "too_many_tries" }
  /** The chat is a client's (they accepted the notice here): it cannot become a staff chat. */
  | { kind: "client_chat" };

/** The Teams chat typing the code, as the channel knows it. */
export interface TeamsChat {
  conversationId: string;
  reference: unknown;
  tenantId?: string;
  /** QUEUE_PREFIX of the deployment whose bot the chat talks to: it writes and sends the cards. */
  queue: string;
}

/** A new code for `staffId` (the previous one stops working), formatted "ST-XXXX-XXXX". */
export async function createStaffTeamsCode(db: Db, staffId: string, now: Date): Promise<string> {
  let code = "ST";
  for (let i = 0; i < STAFF_CODE_LENGTH; i++)
    code += STAFF_CODE_ALPHABET[randomInt(STAFF_CODE_ALPHABET.length)];
  await db.counsellor.update({
    where: { id: staffId },
    data: {
      teamsCodeHash: secretHash(code),
      teamsCodeExpiresAt: new Date(now.getTime() + STAFF_CODE_MINUTES * 60_000),
    },
  });
  return formatStaffCode(code);
}

/** Redeems a normalised staff `code` typed in `chat`; see StaffLinkOutcome. */
export async function redeemStaffTeamsCode(
  db: Db,
  input: { chat: TeamsChat; code: string; now: Date },
): Promise<StaffLinkOutcome> {
  const { chat, now } = input;
  const failures = await recentLinkFailures(db, chat.conversationId, now);
  if (failures >= LINK_MAX_FAILURES) return { kind: "too_many_tries" };
  const staff = await db.counsellor.findFirst({
    where: { teamsCodeHash: secretHash(input.code), teamsCodeExpiresAt: { gt: now }, deactivatedAt: null },
    select: { id: true, locale: true, organisationId: true },
  });
  if (!staff) {
    await countLinkFailure(db, chat.conversationId, failures, now);
    return { kind: "invalid" };
  }
  const conversation = await db.conversation.findUniqueOrThrow({
    where: { id: chat.conversationId },
    select: { clientId: true },
  });
  if (conversation.clientId) return { kind: "client_chat" };
  const used = await db.$transaction(async (tx) => {
    // Used once: only the transaction that clears the code links the chat.
    const cleared = await tx.counsellor.updateMany({
      where: { id: staff.id, teamsCodeHash: secretHash(input.code) },
      data: { teamsCodeHash: null, teamsCodeExpiresAt: null },
    });
    if (cleared.count === 0) return false;
    await becomeStaffChat(tx, chat, staff);
    return true;
  });
  return used ? { kind: "linked", staffId: staff.id, locale: staff.locale } : { kind: "invalid" };
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Makes `chat` the staff member's only Teams chat. Whatever the bot had begun there before it knew
 * (the greeting and onboarding a new chat gets) is dropped: messages, runs, consent answers,
 * pending nudges.
 * No client exists for it (clientId is null: checked before).
 */
async function becomeStaffChat(
  tx: Tx,
  chat: TeamsChat,
  staff: { id: string; locale: CounsellorLocale; organisationId: string },
): Promise<void> {
  const conversationId = chat.conversationId;
  // A chat linked before (another Teams account): gone, with the cards written to it.
  await tx.conversation.deleteMany({ where: { staffId: staff.id, id: { not: conversationId } } });
  await tx.message.deleteMany({ where: { conversationId } });
  await tx.flowRun.deleteMany({ where: { conversationId } });
  await tx.consent.deleteMany({ where: { conversationId } });
  await tx.channelLinkFailures.deleteMany({ where: { conversationId } });
  await tx.nudge.updateMany({
    where: { conversationId, status: "pending" },
    data: { status: "cancelled", reason: "staff chat" },
  });
  await tx.conversation.update({
    where: { id: conversationId },
    data: {
      staffId: staff.id,
      staffQueue: chat.queue,
      locale: staff.locale,
      status: "active",
      ...(chat.reference ? { reference: chat.reference } : {}),
      ...(chat.tenantId ? { tenantId: chat.tenantId } : {}),
    },
  });
  await tx.auditEvent.create({
    data: {
      type: "staff.teams_linked",
      organisationId: staff.organisationId,
      actor: staff.id,
      subjectType: "conversation",
      subjectId: conversationId,
      data: {},
    },
  });
}

/**
 * Unlinks the staff member's Teams chat and drops any code: the chat's row goes, with the cards
 * written to it (a message there later is a new person's first message).
 */
export async function unlinkStaffTeams(db: Db, staffId: string): Promise<void> {
  await db.$transaction([
    db.conversation.deleteMany({ where: { staffId } }),
    db.counsellor.update({
      where: { id: staffId },
      data: { teamsCodeHash: null, teamsCodeExpiresAt: null },
    }),
  ]);
}
