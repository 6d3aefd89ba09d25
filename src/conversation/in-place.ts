/**
 * A question updated in place. After a tick in a multi-choice question the engine shows the
 * question again (`inPlace`), and instead of a new message the reply replaces the buttons of the
 * message the person tapped (Telegram edits its keyboard, the web chat updates the bubble, Teams
 * its card). A channel that cannot take a tapped message's buttons away itself (Teams: a card
 * keeps them until it is updated) says so (`spendTapped`): unless a reply updates the tapped
 * question in place, the turn's first reply is that question again without buttons, replacing it
 * (a spent question, as Telegram shows a keyboard removed on a tap). Each update is still stored
 * as its own outbound row, with `replaces` naming the row it updates.
 */
import type { InboundMessage, OutboundMessage } from "../channels/types.ts";
import type { RenderedMessage } from "../i18n/render.ts";
import type { DbClient } from "../store/prisma.ts";

/** The question a tap came from: its platform id and its (first) Message row. */
export interface TappedQuestion {
  channelMessageId: string;
  rowId: bigint;
  /** The question as it was stored (its key, text, language), to show it spent. */
  messageKey: string | null;
  text: string;
  payload: unknown;
}

type Tap = Pick<InboundMessage, "tappedMessageId" | "spendTapped">;

/** The stored question whose button the person tapped, when the channel said which one and the turn needs it. */
export async function tappedQuestion(
  tx: DbClient,
  conversationId: string,
  tap: Tap,
  rendered: readonly RenderedMessage[],
): Promise<TappedQuestion | undefined> {
  const { tappedMessageId } = tap;
  if (!tappedMessageId || !(tap.spendTapped || rendered.some((r) => r.inPlace))) return undefined;
  const row = await tx.message.findFirst({
    where: { conversationId, direction: "outbound", channelMessageId: tappedMessageId },
    orderBy: { id: "asc" },
    select: { id: true, messageKey: true, text: true, payload: true },
  });
  if (!row) return undefined;
  const { id, messageKey, text, payload } = row;
  return { channelMessageId: tappedMessageId, rowId: id, messageKey, text: text ?? "", payload };
}

/** The message to send for `rendered`: an update of the tapped question when it is one. */
export function inPlaceMessage(
  rendered: RenderedMessage,
  tapped: TappedQuestion | undefined,
): OutboundMessage {
  return rendered.inPlace && tapped
    ? { ...rendered.message, replaces: tapped.channelMessageId }
    : rendered.message;
}

/** The tapped question without buttons, when the channel asked for it and no reply updates it in place. */
export function spentQuestion(
  tap: Tap,
  tapped: TappedQuestion | undefined,
  rendered: readonly RenderedMessage[],
): RenderedMessage | undefined {
  if (!tap.spendTapped || !tapped || rendered.some((r) => r.inPlace)) return undefined;
  const stored = (tapped.payload ?? {}) as { locale?: unknown; direction?: unknown };
  const message: OutboundMessage = {
    text: tapped.text,
    locale: typeof stored.locale === "string" ? stored.locale : "en",
    direction: stored.direction === "rtl" ? "rtl" : "ltr",
    replaces: tapped.channelMessageId,
  };
  return { key: tapped.messageKey ?? "", message };
}
