/**
 * Which language a vacancy is shown in to a client: their conversation's language if the vacancy
 * has a text in it; otherwise another language they said they speak (self-assessment), in the
 * order they listed them; never silently one they do not read. Undefined: no text they can read,
 * the counsellor has to add one.
 */
import type { Answer } from "../../engine/types.ts";

/** Self-assessment language codes → our locales. */
const SPOKEN_TO_LOCALE: Record<string, string> = {
  romani: "rom",
  romanian: "ro",
  bulgarian: "bg",
  arabic: "ar",
  dutch: "nl",
  french: "fr",
  english: "en",
};

/** Locales a client reads: their chat language first, then the languages they said they speak. */
export function readableLocales(
  chatLocale: string | null,
  answers: Record<string, Answer> | undefined,
): string[] {
  const spoken = Array.isArray(answers?.languages) ? answers.languages : [];
  const locales = [chatLocale, ...spoken.map((l) => SPOKEN_TO_LOCALE[l])].filter((l): l is string => !!l);
  return [...new Set(locales)];
}

/** The locale to show the vacancy in, or undefined when it has no text the client can read. */
export function vacancyLocaleFor(
  texts: Record<string, string>,
  readable: readonly string[],
): string | undefined {
  return readable.find((locale) => typeof texts[locale] === "string" && texts[locale].trim() !== "");
}
