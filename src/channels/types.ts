/**
 * The two small types every channel translates to and from. Nothing outside `src/channels/`
 * knows which platform it talks to: an adapter turns a platform update into an InboundMessage,
 * and renders an OutboundMessage (text plus optional choices) the way its platform shows buttons
 * (Telegram inline keyboards, Teams Adaptive Cards, web chat buttons).
 */

export type ChannelName = "telegram" | "webchat" | "teams";

/** A message from a client, normalised. Either `text` or `choiceId` is set. */
export interface InboundMessage {
  channel: ChannelName;
  /** The platform's id of the person (Telegram user id, Teams AAD object id, web chat session id). */
  externalUserId: string;
  /** The platform's id of the conversation we answer in (Telegram chat id, Teams conversation id). */
  externalConversationId: string;
  /** Unique per platform message/update; a replayed webhook carries the same id and is ignored. */
  externalMessageId: string;
  /** What the person typed (commands included, e.g. "/start abc123"). */
  text?: string;
  /** The id of the choice the person tapped (see OutboundChoice.id). */
  choiceId?: string;
  /** With `choiceId`: the platform id of the message whose button was tapped, when known. */
  tappedMessageId?: string;
  /**
   * With `tappedMessageId`: the channel cannot take that message's buttons away itself (a Teams
   * card keeps them until updated), so the turn sends it again without them, replacing it,
   * unless a reply updates it in place (src/conversation/in-place.ts).
   */
  spendTapped?: boolean;
  /** The platform's guess at the person's language (Telegram `language_code`), e.g. "ro". */
  localeHint?: string;
  /** How the platform names the person; stored only after consent. */
  displayName?: string;
  /** Teams: the conversation reference needed to write to this person later. */
  reference?: unknown;
  /** Teams: the Microsoft 365 tenant the conversation belongs to (limits are per tenant). */
  tenantId?: string;
  /**
   * Teams: the person's Microsoft Entra object id (`from.aadObjectId`, a GUID, lower case), when
   * Teams gives one: the same id a staff member's OIDC sign-in carries as `oid`.
   */
  entraObjectId?: string;
  receivedAt: Date;
}

/** A button. `id` is what comes back as InboundMessage.choiceId; keep it short (Telegram: 64 bytes of callback data). */
export interface OutboundChoice {
  id: string;
  /** Localised label, emoji included. */
  label: string;
  /** A link button (Telegram URL button, a link in the web chat, Teams Action.OpenUrl): nothing comes back. */
  url?: string;
  /**
   * `nav`: back, start again, my counsellor — on a row of their own after the answers, with
   * their own look. `toggle`: a tick box of a multi-choice question (tapping it ticks, the
   * question is updated in place). Absent: an answer.
   */
  kind?: "nav" | "toggle";
}

/** A localised message to a client. */
export interface OutboundMessage {
  text: string;
  choices?: OutboundChoice[];
  /** The locale the text is in, and its writing direction (Arabic: rtl). */
  locale: string;
  direction: "ltr" | "rtl";
  /**
   * The platform id of an earlier message whose buttons this one replaces (a multi-choice
   * question with new ticks): Telegram edits that message's keyboard, the web chat updates its
   * bubble, Teams updates its card (without choices: the card with its buttons taken away).
   * Absent: a new message.
   */
  replaces?: string;
  /**
   * A voice note instead of text: the id of an approved VoiceRecording of the message before it
   * (src/store/voice-notes.ts). Telegram sends it with sendVoice, the web chat as an audio player.
   */
  voice?: string;
}

/** Where to send: enough for any channel to reach the conversation again, also days later. */
export interface ConversationAddress {
  channel: ChannelName;
  externalConversationId: string;
  externalUserId: string;
  /** Teams conversation reference, when the channel needs one. */
  reference?: unknown;
}

/** What a platform returned for a message it accepted. */
export interface SendResult {
  externalMessageId: string;
}

/**
 * Why a send failed, as the rest of the code needs to know it:
 * - `blocked`: the person blocked the bot or left (Telegram 403); stop writing to them.
 * - `rate_limited`: try again after `retryAfterSeconds`.
 * - `transient`: network or 5xx; retry with backoff.
 * - `permanent`: the request itself is wrong (400); retrying will not help.
 * - `uncertain`: the request left but no answer came (timeout, connection reset): the platform
 *   may have delivered it, so sending again could make a second copy.
 */
export type SendFailureKind = "blocked" | "rate_limited" | "transient" | "permanent" | "uncertain";

export class SendError extends Error {
  override name = "SendError";
  readonly kind: SendFailureKind;
  readonly retryAfterSeconds?: number;
  constructor(kind: SendFailureKind, message: string, retryAfterSeconds?: number) {
    super(message);
    this.kind = kind;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * One platform limit, as data: at most `limit` messages in any `windowMs`, counted for the whole
 * bot, per conversation, or per tenant (Teams). The outbox's pacer (src/outbox/pacer.ts) keeps
 * every limit of a channel for all processes together. Examples:
 * Telegram `[{ per: "bot", limit: 30, windowMs: 1000 }, { per: "conversation", limit: 1, windowMs: 1000 }]`;
 * Teams per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/3,600 s and per tenant 50/1 s.
 */
export interface RateLimit {
  per: "bot" | "conversation" | "tenant";
  limit: number;
  windowMs: number;
}

/**
 * The outgoing half of a channel: one platform call per `send`, never retried inside (the outbox
 * retries, pauses and paces). Throws SendError. Only the outbox calls it (src/outbox/).
 */
export interface ChannelSender {
  readonly channel: ChannelName;
  /** The platform's limits, kept by the outbox before every send; [] for none (web chat). */
  readonly limits: readonly RateLimit[];
  /** The tenant an address belongs to, for `per: "tenant"` limits (Teams). */
  tenantOf?(address: ConversationAddress): string | undefined;
  send(address: ConversationAddress, message: OutboundMessage): Promise<SendResult>;
}

/** The incoming half: what a channel adapter calls for every normalised message. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;
