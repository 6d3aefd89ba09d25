/**
 * A stand-in for the conversation core, as the web chat needs it: for each inbound message it
 * upserts the Conversation row, keeps the inbound Message, and stores one bot reply as an outbound
 * Message (status sent, payload `{ choices?, locale, direction }`) after "sending" it through the
 * web chat sender. A replayed externalMessageId is ignored, like the core does. It is an input to
 * the channel (so the route's read path runs against real rows), not a mock of a module; the
 * end-to-end test replaces it with the real core.
 */

import type { InboundMessage, OutboundMessage } from "../../../src/channels/types.ts";
import { createWebchatSender } from "../../../src/channels/webchat/webchat-sender.ts";
import type { Db } from "../../../src/store/prisma.ts";

export interface StandInCore {
  handle: (message: InboundMessage) => Promise<void>;
  /** Every message the channel handed over, in order. */
  received: InboundMessage[];
}

const LANGUAGE_CHOICES = [
  { id: "lang:en", label: "🇬🇧 English" },
  { id: "lang:ar", label: "🇸🇦 العربية" },
];

/** What the bot says to `message` in a conversation that speaks `locale`. */
function replyTo(message: InboundMessage, locale: string): OutboundMessage {
  if (message.text?.startsWith("/start")) {
    return {
      text: "Hello! 👋\nI help you find work.\nWhich language do you speak?",
      choices: LANGUAGE_CHOICES,
      locale: "en",
      direction: "ltr",
    };
  }
  if (message.choiceId === "lang:ar") {
    return {
      text: "مرحبا! 👋\nهل تبحث عن عمل؟",
      choices: [
        { id: "job:yes", label: "✅ نعم" },
        { id: "job:no", label: "❌ لا" },
      ],
      locale: "ar",
      direction: "rtl",
    };
  }
  if (message.choiceId === "lang:en") {
    return {
      text: "Are you looking for work?",
      choices: [
        { id: "job:yes", label: "✅ Yes" },
        { id: "job:no", label: "❌ No" },
      ],
      locale: "en",
      direction: "ltr",
    };
  }
  return locale === "ar"
    ? { text: "شكرا! 🙏 سيتصل بك مرشدك.", locale: "ar", direction: "rtl" }
    : { text: "Thank you! 🙏 Your counsellor will contact you.", locale: "en", direction: "ltr" };
}

/** Creates a stand-in core writing to `db`. */
export function standInCore(db: Db): StandInCore {
  const sender = createWebchatSender();
  const received: InboundMessage[] = [];
  const handle = async (message: InboundMessage): Promise<void> => {
    received.push(message);
    // A turn that takes a while (the typing indicator's case).
    if (message.text === "slow please") await new Promise((resolve) => setTimeout(resolve, 1800));
    const inKey = `in:${message.channel}:${message.externalMessageId}`;
    if (await db.message.findUnique({ where: { idempotencyKey: inKey } })) return;
    const conversation = await db.conversation.upsert({
      where: {
        channel_externalConversationId: {
          channel: message.channel,
          externalConversationId: message.externalConversationId,
        },
      },
      create: {
        channel: message.channel,
        externalConversationId: message.externalConversationId,
        externalUserId: message.externalUserId,
        lastInboundAt: message.receivedAt,
      },
      update: { lastInboundAt: message.receivedAt },
    });
    await db.message.create({
      data: {
        conversationId: conversation.id,
        direction: "inbound",
        idempotencyKey: inKey,
        payload: message.choiceId ? { choiceId: message.choiceId } : {},
        status: "received",
      },
    });
    const reply = replyTo(message, conversation.locale ?? "en");
    if (reply.locale !== conversation.locale) {
      await db.conversation.update({ where: { id: conversation.id }, data: { locale: reply.locale } });
    }
    const row = await db.message.create({
      data: {
        conversationId: conversation.id,
        direction: "outbound",
        idempotencyKey: `out:${message.externalMessageId}:0`,
        text: reply.text,
        payload: {
          ...(reply.choices ? { choices: reply.choices.map(({ id, label }) => ({ id, label })) } : {}),
          locale: reply.locale,
          direction: reply.direction,
        },
        status: "queued",
      },
    });
    const sent = await sender.send(message, reply);
    await db.message.update({
      where: { id: row.id },
      data: { status: "sent", sentAt: new Date(), channelMessageId: sent.externalMessageId },
    });
  };
  return { handle, received };
}
