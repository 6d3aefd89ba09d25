/**
 * Turning the engine's outputs (locale keys) into localised OutboundMessages for a channel.
 */
import type { OutboundChoice, OutboundMessage } from "../channels/types.ts";
import type { Output, OutputChoice } from "../engine/types.ts";
import type { Translator } from "./translator.ts";

/** A rendered message with the key it came from (stored next to the text). */
export interface RenderedMessage {
  key: string;
  message: OutboundMessage;
  /** The question again with new ticks: update the tapped question instead of sending it again. */
  inPlace?: boolean;
}

/** The label of a button as the person sees it: emoji, then text, marked when toggled on. */
export function choiceLabel(choice: OutputChoice, locale: string, translator: Translator): string {
  const labelLocale = choice.labelLocale ?? locale;
  const emoji = choice.emoji ?? (choice.emojiKey ? translator.t(choice.emojiKey, labelLocale) : "");
  const params = { ...choice.labelParams };
  for (const name of choice.labelTimeParams ?? []) {
    const clock = params[name];
    if (clock !== undefined) params[name] = translator.formatTime(clock, labelLocale);
  }
  const text = translator.t(choice.label, labelLocale, params);
  const mark = choice.selected === undefined ? "" : choice.selected ? "✅ " : "⬜ ";
  return `${mark}${emoji ? `${emoji} ` : ""}${text}`;
}

/** Params with ISO calendar dates formatted as dates in the person's language. */
function withDates(output: Output, locale: string, translator: Translator): Record<string, string | number> {
  const params: Record<string, string | number> = { ...output.params };
  for (const name of output.dateParams ?? []) {
    const value = params[name];
    // Noon UTC is the same calendar day in every European zone.
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      params[name] = translator.formatDate(new Date(`${value}T12:00:00Z`), locale, "UTC");
    }
  }
  for (const [name, timeZone] of Object.entries(output.dateTimeParams ?? {})) {
    const value = params[name];
    if (typeof value === "string")
      params[name] = translator.formatDateTime(new Date(value), locale, timeZone);
  }
  return params;
}

/** One message's text: its params, dates formatted, lists rendered item by item and joined in the language's way. */
function text(output: Output, locale: string, translator: Translator): string {
  const params: Record<string, string | number> = withDates(output, locale, translator);
  if (output.written) {
    const note = output.written[locale];
    if (!note) return "";
    params.note = note;
  }
  for (const [name, items] of Object.entries(output.lists ?? {})) {
    params[name] = translator.formatList(
      items.map((item) => text(item, locale, translator)),
      locale,
    );
  }
  return translator.t(output.key, locale, params);
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
      text: text(output, locale, translator),
      locale,
      direction,
      ...(output.choices?.length
        ? { choices: output.choices.map((c) => outboundChoice(c, locale, translator)) }
        : {}),
    },
    ...(output.inPlace ? { inPlace: true } : {}),
  }));
}

/** One button: its label, and whether it is navigation or a tick box (channels show those apart). */
function outboundChoice(choice: OutputChoice, locale: string, translator: Translator): OutboundChoice {
  const kind = choice.nav ? "nav" : choice.selected !== undefined ? "toggle" : undefined;
  return {
    id: choice.id,
    label: choiceLabel(choice, locale, translator),
    ...(kind ? { kind } : {}),
    ...(choice.url ? { url: choice.url } : {}),
  };
}
