/**
 * The words that ask for a person — "counsellor", "help me" — in every client language
 * (`handover.ask_words` in locales/<lng>/handover.json, phrases separated by "|"). Matched in any
 * language, whatever the conversation's: people mix. A short message containing one of the
 * phrases as whole words counts; a long one does not (it is an answer that mentions help).
 */
import { CLIENT_LOCALES, type Translator } from "../../i18n/translator.ts";

/** Longer messages are answers, not calls for a person. */
const MAX_WORDS = 6;

const phrasesOf = new WeakMap<Translator, readonly string[]>();

/** Lower case, no accents or punctuation, single spaces: "Help me!!" → "help me". */
export function normaliseWords(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function phrases(translator: Translator): readonly string[] {
  let list = phrasesOf.get(translator);
  if (!list) {
    const all = CLIENT_LOCALES.flatMap((locale) =>
      translator.has("handover.ask_words", locale)
        ? translator.t("handover.ask_words", locale).split("|")
        : [],
    );
    list = [...new Set(all.map(normaliseWords).filter(Boolean))];
    phrasesOf.set(translator, list);
  }
  return list;
}

/** Whether `text` asks for a person. */
export function asksForPerson(text: string, translator: Translator): boolean {
  const words = normaliseWords(text);
  if (!words || words.split(" ").length > MAX_WORDS) return false;
  const padded = ` ${words} `;
  return phrases(translator).some((phrase) => padded.includes(` ${phrase} `));
}
