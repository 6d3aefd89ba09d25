/**
 * Teams activities at the door: a zod schema for what a request must carry before it is even
 * authenticated (the token check needs `serviceUrl` and `channelId`), and the activity → what it
 * means for us: a message (text, or the choice id of a card button), the bot added to a personal
 * chat (greet, start onboarding), or the bot removed (the conversation is blocked). Only personal
 * chats reach the conversation core, as only private chats do on Telegram. Text and names go
 * through inboundText as at the other doors (no NUL, no lone surrogate, the same bounds).
 */
import { z } from "zod";
import { inboundText, MAX_DISPLAY_NAME, MAX_INBOUND_TEXT } from "../inbound-text.ts";
import type { InboundMessage } from "../types.ts";

const displayName = inboundText(MAX_DISPLAY_NAME).optional().catch(undefined);

const account = z.looseObject({
  id: z.string().min(1),
  name: displayName,
  aadObjectId: z.string().optional(),
});

/** An Entra object id as Teams gives it: a GUID, compared in lower case; anything else is none. */
const entraObjectId = z.guid().transform((id) => id.toLowerCase());

/** A person's ids for an InboundMessage: the AAD object id (else the Teams id), and as Entra's. */
function idsOf(account: { id: string; aadObjectId?: string | undefined }) {
  const parsed = entraObjectId.safeParse(account.aadObjectId);
  return {
    externalUserId: account.aadObjectId ?? account.id,
    ...(parsed.success ? { entraObjectId: parsed.data } : {}),
  };
}

/** The fields we rely on; the rest of the activity passes through untouched to botbuilder. */
export const activitySchema = z.looseObject({
  type: z.string().min(1),
  id: z.string().optional(),
  // On a card button's message: the id of the card's activity (the one we sent).
  replyToId: z.string().min(1).max(200).optional().catch(undefined),
  channelId: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  // A string on the wire; botbuilder has made it a Date by the time the turn reads it.
  timestamp: z.union([z.string(), z.date()]).optional(),
  locale: z.string().max(20).optional(),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id: z.string().min(1),
    name: displayName,
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  text: inboundText(MAX_INBOUND_TEXT).optional().catch(undefined),
  value: z.unknown().optional(),
  action: z.string().optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
});

export type TeamsActivity = z.infer<typeof activitySchema>;

/** The data of our cards' Action.Submit buttons (render.ts). */
export const choiceDataSchema = z.looseObject({ choiceId: z.string().min(1).max(200) });

/** What an activity means for the bot. */
export type ActivityMeaning =
  | { kind: "message"; message: InboundMessage }
  | { kind: "installed"; message: InboundMessage }
  | { kind: "uninstalled"; externalConversationId: string }
  | { kind: "ignored"; why: string };

/** The tenant an activity belongs to (Teams puts it in channelData and on the conversation). */
export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation.tenantId;
}

/**
 * Reads an authenticated activity; `reference` is its ConversationReference (botbuilder's), taken
 * from the parsed activity so that the names it keeps are normalised too.
 */
export function interpretActivity(
  activity: TeamsActivity,
  reference: unknown,
  receivedAt: Date,
): ActivityMeaning {
  if (activity.channelId !== "msteams") return { kind: "ignored", why: "not msteams" };
  const personal = (activity.conversation.conversationType ?? "personal") === "personal";
  const base = {
    channel: "teams" as const,
    ...idsOf(activity.from),
    externalConversationId: activity.conversation.id,
    ...(activity.locale ? { localeHint: activity.locale } : {}),
    reference,
    receivedAt,
  };
  const botId = activity.recipient.id;
  const at = activity.timestamp instanceof Date ? activity.timestamp.toISOString() : activity.timestamp;
  if (activity.type === "installationUpdate" && activity.action?.startsWith("remove")) {
    return { kind: "uninstalled", externalConversationId: activity.conversation.id };
  }
  if (activity.type === "conversationUpdate" && activity.membersRemoved?.some((m) => m.id === botId)) {
    return { kind: "uninstalled", externalConversationId: activity.conversation.id };
  }
  if (!personal) return { kind: "ignored", why: "not a personal chat" };
  if (activity.type === "conversationUpdate" && activity.membersAdded?.some((m) => m.id === botId)) {
    // A person who installs the bot: the same as typing /start (greeting, then onboarding).
    const id = activity.id ?? `${activity.conversation.id}:${at ?? receivedAt.toISOString()}`;
    return {
      kind: "installed",
      message: {
        ...base,
        ...idsOf(personOf(activity)),
        externalMessageId: `added:${id}`,
        text: "/start",
      },
    };
  }
  if (activity.type !== "message") return { kind: "ignored", why: `activity ${activity.type}` };
  const messageId = `message:${activity.id ?? `${activity.conversation.id}:${at ?? ""}`}`;
  const displayName = activity.from.name ? { displayName: activity.from.name } : {};
  const choice = choiceDataSchema.safeParse(activity.value);
  if (choice.success) {
    return {
      kind: "message",
      message: {
        ...base,
        ...displayName,
        externalMessageId: messageId,
        choiceId: choice.data.choiceId,
        // The card keeps its buttons until we update it: the turn takes them away (spent).
        ...(activity.replyToId ? { tappedMessageId: activity.replyToId, spendTapped: true } : {}),
      },
    };
  }
  const text = activity.text?.replace(/<at>[^<]*<\/at>/g, "").trim();
  if (!text) return { kind: "ignored", why: "no text" };
  return { kind: "message", message: { ...base, ...displayName, externalMessageId: messageId, text } };
}

/** The person in a personal chat's conversationUpdate: the member added who is not the bot. */
function personOf(activity: TeamsActivity): TeamsActivity["from"] {
  return activity.membersAdded?.find((m) => m.id !== activity.recipient.id) ?? activity.from;
}
