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

/** Params with ISO date strings turned into Dates (noon UTC: the same calendar day in Europe). */
function withDates(output: Output): Record<string, string | number | Date> | undefined {
  if (!output.params || !output.dateParams) return output.params;
  const params: Record<string, string | number | Date> = { ...output.params };
  for (const name of output.dateParams) {
    const value = params[name];
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value))
      params[name] = new Date(`${value}T12:00:00Z`);
  }
  return params;
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
      text: translator.t(output.key, locale, withDates(output)),
      locale,
      direction,
      ...(output.choices?.length
        ? { choices: output.choices.map((c) => ({ id: c.id, label: choiceLabel(c, locale, translator) })) }
        : {}),
    },
  }));
}
