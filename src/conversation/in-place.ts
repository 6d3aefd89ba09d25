/**
 * A multi-choice question updated in place: after a tick the engine shows the question again
 * (`inPlace`), and instead of a new message the reply replaces the buttons of the message the
 * person tapped (Telegram edits its keyboard, the web chat updates the bubble). The reply is
 * still stored as its own outbound row, with `replaces` naming the row it updates.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { RenderedMessage } from "../i18n/render.ts";
import type { DbClient } from "../store/prisma.ts";

/** The question a tap came from: its platform id and its (first) Message row. */
export interface TappedQuestion {
  channelMessageId: string;
  rowId: bigint;
}

/** The stored question whose button the person tapped, when the channel said which one it was. */
export async function tappedQuestion(
  tx: DbClient,
  conversationId: string,
  tappedMessageId: string | undefined,
  rendered: readonly RenderedMessage[],
): Promise<TappedQuestion | undefined> {
  if (!tappedMessageId || !rendered.some((r) => r.inPlace)) return undefined;
  const row = await tx.message.findFirst({
    where: { conversationId, direction: "outbound", channelMessageId: tappedMessageId },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return row ? { channelMessageId: tappedMessageId, rowId: row.id } : undefined;
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
