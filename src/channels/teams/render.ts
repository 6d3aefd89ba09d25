/**
 * OutboundMessage → a Teams activity. Without choices: plain text (textFormat plain, so nothing
 * is read as markdown). With choices: an Adaptive Card with the text and one Action.Submit per
 * choice whose data carries the choice id, the same `<step>:<choice>` id Telegram puts in its
 * callback data; `rtl: true` for right-to-left languages (Arabic). An update of an earlier card
 * (`replaces`) is always a card: with choices, the question with its new ticks; without, the card
 * with its buttons taken away (a tapped card, spent).
 */
import type { OutboundMessage } from "../types.ts";

export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";

/** The activity fields we send (botbuilder's Partial<Activity>). */
export interface TeamsOutboundActivity {
  type: "message";
  text?: string;
  textFormat?: "plain";
  locale: string;
  summary?: string;
  attachments?: { contentType: string; content: Record<string, unknown> }[];
}

/** Renders one message for the Bot Connector. */
export function renderActivity(message: OutboundMessage): TeamsOutboundActivity {
  const choices = message.choices ?? [];
  if (choices.length === 0 && !message.replaces) {
    return { type: "message", text: message.text, textFormat: "plain", locale: message.locale };
  }
  return {
    type: "message",
    locale: message.locale,
    // What a notification shows: the question, not "sent a card".
    summary: message.text.slice(0, 200),
    attachments: [{ contentType: ADAPTIVE_CARD, content: adaptiveCard(message) }],
  };
}

/** The card: one TextBlock, one Action.Submit per choice (none: a spent card). */
export function adaptiveCard(message: OutboundMessage): Record<string, unknown> {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    lang: message.locale,
    ...(message.direction === "rtl" ? { rtl: true } : {}),
    body: [{ type: "TextBlock", text: message.text, wrap: true }],
    actions: (message.choices ?? []).map((choice) =>
      choice.url
        ? { type: "Action.OpenUrl", title: choice.label, url: choice.url }
        : { type: "Action.Submit", title: choice.label, data: { choiceId: choice.id } },
    ),
  };
}
