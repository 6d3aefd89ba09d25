/**
 * Turning the engine's outputs (locale keys) into localised OutboundMessages for a channel.
 */
import type { OutboundMessage } from "../channels/types.ts";
import type { Output, OutputChoice } from "../engine/types.ts";
import type { Translator } from "../i18n/translator.ts";

/** A rendered message with the key it came from (stored next to the text). */
export interface RenderedMessage {
  key: string;
  message: OutboundMessage;
}

/** The label of a button as the person sees it: emoji, then text, marked when toggled on. */
export function choiceLabel(choice: OutputChoice, locale: string, translator: Translator): string {
  const labelLocale = choice.labelLocale ?? locale;
  const emoji = choice.emoji ?? (choice.emojiKey ? translator.t(choice.emojiKey, labelLocale) : "");
  const text = translator.t(choice.label, labelLocale);
  const mark = choice.selected === undefined ? "" : choice.selected ? "☑️ " : "▫️ ";
  return `${mark}${emoji ? `${emoji} ` : ""}${text}`;
}

/** Renders outputs in `locale`. */
export function renderOutputs(
  outputs: readonly Output[],
  locale: string,
  translator: Translator,
): RenderedMessage[] {
  const direction = translator.dir(locale);
  return outputs.map((output) => ({
    key: output.key,
    message: {
      text: translator.t(output.key, locale, output.params),
      locale,
      direction,
      ...(output.choices?.length
        ? { choices: output.choices.map((c) => ({ id: c.id, label: choiceLabel(c, locale, translator) })) }
        : {}),
    },
  }));
}
