/**
 * Teams messages that are for the staff side, taken before the conversation core sees them: a
 * staff member's "Connect Teams" code (teams-link.ts), anything typed in a chat already linked to
 * a staff member, and anything from a person whose Entra object id is a staff member's
 * (entra-identity.ts: installing the app included), in a chat that is no client's. A staff chat
 * never reaches the core — no onboarding, no consent, no case, no count in the funnel's `reached` —
 * so it can never become a client's. Everything else goes on to the core unchanged. Answers are
 * in the staff member's console language (nl, fr, en) and go through the outbox.
 */
import type { InboundHandler, InboundMessage } from "../../channels/types.ts";
import { COUNSELLOR_LOCALES, type Translator } from "../../i18n/translator.ts";
import type { Logger } from "../../logger.ts";
import type { Outbox } from "../../outbox/outbox.ts";
import type { Db } from "../../store/prisma.ts";
import { staffCodeIn } from "../cases/link-code-shapes.ts";
import { type RecognisedStaff, staffOfEntraUser } from "./entra-identity.ts";
import { redeemStaffTeamsCode, type StaffLinkOutcome } from "./teams-link.ts";

export interface StaffTeamsInboundDeps {
  db: Db;
  outbox: Pick<Outbox, "enqueue">;
  translator: Translator;
  /** PUBLIC_URL, else http://HOST:PORT: the console page the answers point at. */
  baseUrl: string;
  /** QUEUE_PREFIX: this deployment writes and sends the cards of the chats linked through it. */
  queue: string;
  logger: Logger;
  now?: () => Date;
}

/** The chat a message came from, as far as this module needs it. */
interface Chat {
  id: string;
  staffId: string | null;
  locale: string | null;
}

const OUTCOME_KEYS: Record<StaffLinkOutcome["kind"], string> = {
  linked: "staff-teams.linked",
  invalid: "staff-teams.code_invalid",
  too_many_tries: "staff-teams.too_many_tries",
  client_chat: "staff-teams.client_chat",
};

/** Wraps the core's inbound handler `next`: staff codes and staff chats stop here. */
export function staffTeamsFirst(deps: StaffTeamsInboundDeps, next: InboundHandler): InboundHandler {
  return async (message) => {
    if (message.channel !== "teams") return next(message);
    const code = staffCodeIn(message.text);
    const found = await deps.db.conversation.findUnique({
      where: {
        channel_externalConversationId: {
          channel: "teams",
          externalConversationId: message.externalConversationId,
        },
      },
      select: { id: true, staffId: true, clientId: true, locale: true },
    });
    const known = code || found?.staffId ? null : await recognisedStaff(deps, message, found);
    if (!code && !found?.staffId && !known) return next(message);
    // A replayed activity (Teams retries): answered once already, nothing to do again.
    if (
      await deps.db.message.findUnique({
        where: { idempotencyKey: answerKey(message) },
        select: { id: true },
      })
    )
      return;
    const chat = found ?? (await createChat(deps.db, message));
    if (code) return linkChat(deps, message, chat, code);
    if (known) return answerRecognised(deps, message, chat, known);
    return answerStaffChat(deps, message, chat);
  };
}

/** The staff member the person is, by their Entra object id; none in a chat that is a client's. */
async function recognisedStaff(
  deps: StaffTeamsInboundDeps,
  message: InboundMessage,
  chat: { clientId: string | null } | null,
): Promise<RecognisedStaff | null> {
  if (!message.entraObjectId || chat?.clientId) return null;
  return staffOfEntraUser(deps.db, { objectId: message.entraObjectId, tenantId: message.tenantId });
}

/**
 * A staff member in a chat not linked yet (installing the app, or writing): no client's welcome,
 * one answer saying what the chat is for and how to connect it with a code. The chat is not
 * linked by this (decision 0023): the code stays the one way to connect it.
 */
async function answerRecognised(
  deps: StaffTeamsInboundDeps,
  message: InboundMessage,
  chat: Chat,
  staff: RecognisedStaff,
) {
  await touchChat(deps, message, chat);
  deps.logger.info({ conversationId: chat.id, staffId: staff.id }, "teams: a staff member recognised");
  await reply(deps, message, chat.id, "staff-teams.recognised", staff.locale);
}

async function linkChat(deps: StaffTeamsInboundDeps, message: InboundMessage, chat: Chat, code: string) {
  const outcome = await redeemStaffTeamsCode(deps.db, {
    chat: {
      conversationId: chat.id,
      reference: message.reference,
      queue: deps.queue,
      ...(message.tenantId ? { tenantId: message.tenantId } : {}),
    },
    code,
    now: deps.now?.() ?? new Date(),
  });
  const locale = outcome.kind === "linked" ? outcome.locale : staffLocale(chat.locale, message.localeHint);
  if (outcome.kind === "linked")
    deps.logger.info(
      { conversationId: chat.id, staffId: outcome.staffId },
      "teams chat linked to a staff member",
    );
  await reply(deps, message, chat.id, OUTCOME_KEYS[outcome.kind], locale);
}

/** A staff member writing (or installing the app again) in their chat: it stays theirs, and says what it is for. */
async function answerStaffChat(deps: StaffTeamsInboundDeps, message: InboundMessage, chat: Chat) {
  await touchChat(deps, message, chat);
  const key = message.text === "/start" ? "staff-teams.welcome_back" : "staff-teams.staff_chat";
  await reply(deps, message, chat.id, key, staffLocale(chat.locale, message.localeHint));
}

/** The chat is active again (installed again, say), with the latest reference to write to it. */
async function touchChat(deps: StaffTeamsInboundDeps, message: InboundMessage, chat: Chat) {
  await deps.db.conversation.update({
    where: { id: chat.id },
    data: {
      status: "active",
      lastInboundAt: message.receivedAt,
      ...(message.reference ? { reference: message.reference } : {}),
    },
  });
}

async function reply(
  deps: StaffTeamsInboundDeps,
  message: InboundMessage,
  conversationId: string,
  key: string,
  locale: string,
) {
  const text = deps.translator.t(key, locale, { url: `${deps.baseUrl}/console/me` });
  await deps.outbox.enqueue({
    conversationId,
    idempotencyKey: answerKey(message),
    messageKey: key,
    kind: "notice",
    message: { text, locale, direction: "ltr" },
  });
}

/** The key of the answer to `message`: one answer per inbound activity, also when Teams retries it. */
const answerKey = (message: InboundMessage) => `staff-chat:${message.channel}:${message.externalMessageId}`;

/** The console language of a chat: its own (a staff chat's), else the platform's hint, else English. */
function staffLocale(locale: string | null, hint: string | undefined): string {
  const known = (l: string | undefined) => COUNSELLOR_LOCALES.find((c) => c === l);
  return known(locale ?? undefined) ?? known(hint?.slice(0, 2).toLowerCase()) ?? "en";
}

/** The chat's row, for a code typed as the very first message (an upsert: two may race). */
async function createChat(db: Db, message: InboundMessage): Promise<Chat> {
  const where = { channel: message.channel, externalConversationId: message.externalConversationId };
  return db.conversation.upsert({
    where: { channel_externalConversationId: where },
    create: {
      ...where,
      externalUserId: message.externalUserId,
      ...(message.reference ? { reference: message.reference } : {}),
      ...(message.tenantId ? { tenantId: message.tenantId } : {}),
    },
    update: {},
    select: { id: true, staffId: true, locale: true },
  });
}
