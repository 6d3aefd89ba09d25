/**
 * Whether a counsellor's free text looks written in the client's language, so the console can say
 * so before a Romani speaker gets a paragraph of Dutch. franc (n-gram language identification,
 * no network, no install scripts) guesses among our seven client languages only; Romani is
 * franc's Balkan Romani (`rmn`), the nearest it knows. Short texts ("ok", "👍", a name) are not
 * judged: nobody is warned about what cannot be told.
 */
import { francAll } from "franc";

/** ISO 639-3 codes franc uses, for our client locales. */
const FRANC_CODES: Readonly<Record<string, string>> = {
  en: "eng",
  nl: "nld",
  fr: "fra",
  ro: "ron",
  rom: "rmn",
  ar: "arb",
  bg: "bul",
};

/** Fewer letters than this and no guess is made. */
const MIN_LETTERS = 15;

/** The client locale `text` looks written in, or undefined when it cannot be told. */
export function guessLocale(text: string): string | undefined {
  if ((text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) return undefined;
  const [best] = francAll(text, { only: Object.values(FRANC_CODES), minLength: MIN_LETTERS });
  if (!best || best[0] === "und") return undefined;
  return Object.entries(FRANC_CODES).find(([, code]) => code === best[0])?.[0];
}

/** True when `text` clearly looks written in another language than `locale`. */
export function looksForeignTo(text: string, locale: string): boolean {
  const guess = guessLocale(text);
  if (!guess || guess === locale) return false;
  // Romani written by Romanian speakers is full of Romanian words: do not warn between the two.
  return !(new Set([guess, locale]).size === 2 && [guess, locale].every((l) => l === "ro" || l === "rom"));
}
