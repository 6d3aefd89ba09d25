/**
 * The outgoing half of the Teams channel: every message, a reply in the turn as much as a
 * reminder days later, goes through CloudAdapter.continueConversationAsync with the
 * ConversationReference stored on the conversation, so there is one way to write to Teams. A
 * message that `replaces` an earlier card updates that card in place (update-in-place.ts).
 */
import type { CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import { z } from "zod";
import {
  type ChannelSender,
  type ConversationAddress,
  type OutboundMessage,
  type RateLimit,
  SendError,
} from "../types.ts";
import { toSendError } from "./errors.ts";
import { renderActivity } from "./render.ts";
import { withinSendTimeout } from "./send-timeout.ts";
import { updateInPlace } from "./update-in-place.ts";

/** What a stored reference must have for the connector to reach the conversation. */
const referenceSchema = z.looseObject({
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
});

/** Teams' published limits: per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/hour; per tenant 50/s. */
export const TEAMS_LIMITS: readonly RateLimit[] = [
  { per: "conversation", limit: 7, windowMs: 1000 },
  { per: "conversation", limit: 8, windowMs: 2000 },
  { per: "conversation", limit: 60, windowMs: 30_000 },
  { per: "conversation", limit: 1800, windowMs: 3_600_000 },
  { per: "tenant", limit: 50, windowMs: 1000 },
];

/**
 * Added to each of Teams' windows. The pacer counts a message when it leaves (its `go`, with 25 ms
 * of margin); Teams counts it when it arrives, after botbuilder's work (token, request) and the way
 * there, which vary by more than that: by up to 80 ms against a fake connector on a loaded machine,
 * which then saw 61 messages of one conversation within the window of 60
 * (test/channels/teams/teams-conversation-window.test.ts). It costs a tenant's line 9% (45/s).
 */
export const TEAMS_WAY_MS = 100;

/** `limits` as the pacer keeps them for Teams: each window longer by TEAMS_WAY_MS. */
export function withWayMargin(limits: readonly RateLimit[]): RateLimit[] {
  return limits.map((limit) => ({ ...limit, windowMs: limit.windowMs + TEAMS_WAY_MS }));
}

/**
 * How long one send may take, token and connector calls together: as Telegram's, well inside the
 * outbox's 60 s sending lease, so a send's outcome is known before the sweep calls it uncertain.
 */
export const TEAMS_SEND_TIMEOUT_MS = 30_000;

export interface TeamsSenderOptions {
  /** Default TEAMS_SEND_TIMEOUT_MS; tests make it short. */
  timeoutMs?: number;
  /** Default TEAMS_LIMITS (what the app uses); tests make the windows short. TEAMS_WAY_MS is added. */
  limits?: readonly RateLimit[];
}

/** Creates the ChannelSender that writes as app `appId` through `adapter`. */
export function createTeamsSender(
  adapter: CloudAdapter,
  appId: string,
  options: TeamsSenderOptions = {},
): ChannelSender {
  const timeoutMs = options.timeoutMs ?? TEAMS_SEND_TIMEOUT_MS;
  return {
    channel: "teams",
    limits: withWayMargin(options.limits ?? TEAMS_LIMITS),
    tenantOf(address) {
      const tenant = (address.reference as { conversation?: { tenantId?: unknown } } | undefined)
        ?.conversation?.tenantId;
      return typeof tenant === "string" ? tenant : undefined;
    },
    async send(address: ConversationAddress, message: OutboundMessage) {
      if (address.channel !== "teams") {
        throw new SendError("permanent", `Teams sender cannot reach a ${address.channel} address`);
      }
      const parsed = referenceSchema.safeParse(address.reference);
      if (!parsed.success) throw new SendError("permanent", "Teams conversation has no usable reference");
      // Not a reply to the message the reference was taken from: a new message in the chat.
      const { activityId: _reply, ...reference } = parsed.data as unknown as Partial<ConversationReference>;
      let externalMessageId = "";
      try {
        await withinSendTimeout(timeoutMs, () =>
          adapter.continueConversationAsync(appId, reference, async (context) => {
            externalMessageId = await write(context, message);
          }),
        );
      } catch (error) {
        throw toSendError(error);
      }
      return { externalMessageId };
    },
  };
}

/**
 * One message in the conversation: an update of the card it replaces, or a new activity (also
 * when Teams refuses the update of a card that keeps buttons). A card that was only to lose its
 * buttons and can no longer be updated needs nothing: its id is the result, nothing is sent.
 */
async function write(context: TurnContext, message: OutboundMessage): Promise<string> {
  const activity = renderActivity(message);
  if (message.replaces) {
    if (await updateInPlace(context, message.replaces, activity)) return message.replaces;
    if (!message.choices?.length) return message.replaces;
  }
  const sent = await context.sendActivity(activity);
  return sent?.id ?? "";
}
