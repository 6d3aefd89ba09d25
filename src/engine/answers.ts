/**
 * Reading an answer from what a person typed or tapped, for each question type. Pure functions:
 * each returns the answer as a code, or a reason it does not fit (used to pick the hint).
 */
import { DateTime } from "luxon";
import { asciiDigits, emojiOnly, normaliseWords } from "./normalise.ts";
import type { FlowInput, OutputChoice } from "./types.ts";

export type Parsed<T> = { ok: true; value: T } | { ok: false };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const NO: Parsed<never> = { ok: false };

/**
 * Which offered choice an input means: a tapped id, a typed number ("2", "٢", "2️⃣"), the
 * choice's emoji alone, or its label typed out (case and accents ignored).
 */
export function matchChoice(
  input: FlowInput,
  choices: readonly OutputChoice[],
  labelText?: (choice: OutputChoice) => string,
): string | undefined {
  if (input.kind === "choice") return choices.find((c) => c.id === input.choiceId)?.id;
  const typed = input.text.trim();
  // "2", "2.", "2)" — but not "1 3", which is two numbers (a multi-choice answer).
  const digits = asciiDigits(typed).trim().replace(/[.)]$/, "");
  if (/^\d{1,2}$/.test(digits)) return choices[Number(digits) - 1]?.id;
  const emoji = emojiOnly(typed);
  const words = normaliseWords(typed);
  if (emoji && !words) {
    const byEmoji = choices.filter((c) => c.emoji && emojiOnly(c.emoji) === emoji);
    if (byEmoji.length === 1) return byEmoji[0]?.id;
  }
  if (!words || !labelText) return undefined;
  const byLabel = choices.filter((c) => normaliseWords(labelText(c)) === words);
  if (byLabel.length === 1) return byLabel[0]?.id;
  const byPrefix = choices.filter((c) => words.length >= 3 && normaliseWords(labelText(c)).startsWith(words));
  return byPrefix.length === 1 ? byPrefix[0]?.id : undefined;
}

const YES = new Set([
  "yes",
  "y",
  "ok",
  "da",
  "ja",
  "oui",
  "si",
  "va",
  "ova",
  "aha",
  "نعم",
  "اي",
  "ايوه",
  "ايوا",
  "да",
]);
const NO_WORDS = new Set(["no", "n", "nu", "nee", "non", "na", "nai", "ne", "не", "لا", "كلا"]);

/** Yes or no, typed in any of our languages or as 👍/👎 ✅/❌. */
export function parseYesNo(text: string): Parsed<boolean> {
  const emoji = emojiOnly(text);
  if (/^(👍|✅|✔️?|👌)+$/u.test(emoji)) return ok(true);
  if (/^(👎|❌|✖️?|🚫)+$/u.test(emoji)) return ok(false);
  const words = normaliseWords(text);
  const first = words.split(" ")[0] ?? "";
  if (YES.has(words) || YES.has(first)) return ok(true);
  if (NO_WORDS.has(words) || NO_WORDS.has(first)) return ok(false);
  return NO;
}

/** A number within [min, max], with either decimal separator; integers only unless allowed. */
export function parseNumber(text: string, min: number, max: number, integer: boolean): Parsed<number> {
  const cleaned = asciiDigits(text).trim().replace(/\s/g, "").replace(/[٫,]/g, ".");
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return NO;
  const value = Number(cleaned);
  if (integer && !Number.isInteger(value)) return NO;
  return value >= min && value <= max ? ok(value) : NO;
}

/**
 * A calendar date as people type it: 3/2/2025, 3.2.25, 3-2-2025, 2025-02-03, "3 februarie 2025",
 * "3 februarie" (this year), in Arabic-Indic digits too. Day first, as in Belgium. `monthNames`
 * holds each language's twelve month names (from locales/<lng>/calendar.json). Returns ISO yyyy-mm-dd.
 */
export function parseDate(
  text: string,
  today: DateTime,
  monthNames: readonly (readonly string[])[],
): Parsed<string> {
  const words = normaliseWords(text);
  const iso = /^(\d{4}) (\d{1,2}) (\d{1,2})$/.exec(words);
  if (iso) return build(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /^(\d{1,2}) (\d{1,2}) (\d{2}|\d{4})$/.exec(words);
  if (numeric) return build(fullYear(Number(numeric[3]), today), Number(numeric[2]), Number(numeric[1]));
  const named = /^(\d{1,2}) (\p{L}+(?: \p{L}+)?) ?(\d{2}|\d{4})?$/u.exec(words);
  if (named) {
    const month = monthNumber(named[2] ?? "", monthNames);
    if (month === undefined) return NO;
    const year = named[3] ? fullYear(Number(named[3]), today) : today.year;
    return build(year, month, Number(named[1]));
  }
  return NO;
}

function fullYear(year: number, today: DateTime): number {
  if (year >= 100) return year;
  const century = Math.floor(today.year / 100) * 100;
  return century + year > today.year + 10 ? century - 100 + year : century + year;
}

function monthNumber(word: string, monthNames: readonly (readonly string[])[]): number | undefined {
  for (const names of monthNames) {
    for (let i = 0; i < names.length; i++) {
      const name = normaliseWords(names[i] ?? "");
      if (name === word || (word.length >= 3 && name.startsWith(word))) return i + 1;
    }
  }
  return undefined;
}

function build(year: number, month: number, day: number): Parsed<string> {
  const date = DateTime.fromObject({ year, month, day }, { zone: "utc" });
  return date.isValid ? ok(date.toISODate() as string) : NO;
}

/** Free text up to `maxLength` characters (trimmed); empty text does not count as an answer. */
export function parseText(text: string, maxLength: number): Parsed<string> | { ok: false; tooLong: true } {
  const trimmed = text.trim();
  if (!trimmed) return NO;
  if ([...trimmed].length > maxLength) return { ok: false, tooLong: true };
  return ok(trimmed);
}
