/**
 * The locale check (`npm run i18n:check`, and a test in the suite): every language has the same
 * files and keys as English, every plural form its language needs, the same `{{placeholders}}`
 * and `/commands` as English, no empty strings, only valid JSON, and each language's typography
 * (typography.ts: French U+202F before : ; ! ? and inside « », one apostrophe, no double space),
 * and a `time` pattern in every client language's calendar.json (docs/decisions/0025). Also the
 * key index a flow check uses to make sure every message a flow references exists in every
 * language.
 */
import { join, relative } from "node:path";
import { commandsIn } from "./bidi.ts";
import { timePatternProblem } from "./date-time.ts";
import { listRuleFor } from "./list-format.ts";
import { hasMessage, type LocaleMessages, loadLocales } from "./locale-files.ts";
import { isPluralCategory, type PluralCategory, pluralRuleFor } from "./plural-rules.ts";
import { CLIENT_LOCALES, COUNSELLOR_LOCALES } from "./translator.ts";
import { typographyProblems } from "./typography.ts";

/** One thing wrong, in one file (`<lng>/<file>.json`, relative to the locales folder). */
export interface LocaleProblem {
  file: string;
  message: string;
}

/** What to compare against. */
export interface LocaleCheckOptions {
  /** The source language every other one is compared with. Default "en". */
  referenceLocale?: string;
  /** Languages that must have a folder. Default: every client locale. */
  requiredLocales?: readonly string[];
}

/**
 * Keys each locale sets for itself (its own value, not a translation of English's): never compared
 * with English, and allowed although English does not have them.
 */
const LOCALE_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  meta: ["plural_rule", "list"],
  calendar: ["time"],
};

/** Plural forms that may leave out `{{count}}` ("ساعة واحدة", "ساعتان"). */
const COUNT_OPTIONAL: ReadonlySet<PluralCategory> = new Set(["zero", "one", "two"]);

/** What one key of one locale file is expected to look like. */
interface Expectation {
  reference: unknown;
  /** Set for a plural form: its category. */
  category?: PluralCategory;
}

/** Checks every locale under `localesDir` against the reference language; [] when all is well. */
export function checkLocales(localesDir: string, options: LocaleCheckOptions = {}): LocaleProblem[] {
  const referenceLocale = options.referenceLocale ?? "en";
  const loaded = loadLocales(localesDir);
  const problems: LocaleProblem[] = loaded.errors.map((e) => ({ file: e.file, message: e.message }));
  const reference = loaded.locales.get(referenceLocale);
  if (!reference) return [...problems, { file: `${referenceLocale}/`, message: "missing locale folder" }];
  for (const locale of options.requiredLocales ?? CLIENT_LOCALES) {
    if (!loaded.locales.has(locale)) problems.push({ file: `${locale}/`, message: "missing locale folder" });
  }
  const unreadable = new Set(loaded.errors.map((e) => e.file));
  for (const [locale, files] of loaded.locales) {
    const rule = pluralRuleFor(locale, files.get("meta"));
    if (typeof rule === "string") problems.push({ file: `${locale}/meta.json`, message: rule });
    const list = listRuleFor(locale, files.get("meta"));
    if (typeof list === "string") problems.push({ file: `${locale}/meta.json`, message: list });
    const time = timeProblem(locale, files.get("calendar"));
    if (time) problems.push({ file: `${locale}/calendar.json`, message: time });
    const categories = typeof rule === "string" ? undefined : rule.categories;
    for (const [name, referenceMessages] of reference) {
      const file = `${locale}/${name}.json`;
      const messages = files.get(name);
      if (messages) {
        problems.push(...checkFile(file, name, messages, referenceMessages, categories));
        problems.push(...checkTypography(file, locale, messages));
      } else if (!unreadable.has(file) && requiredIn(name, locale))
        problems.push({ file, message: "missing file" });
    }
    for (const name of files.keys()) {
      if (!requiredIn(name, locale)) {
        problems.push({
          file: `${locale}/${name}.json`,
          message: "counsellor-only file in a language counsellors do not use",
        });
      } else if (!reference.has(name)) {
        problems.push({
          file: `${locale}/${name}.json`,
          message: `extra file (${referenceLocale} has none)`,
        });
      }
    }
  }
  return problems;
}

/**
 * What is wrong with a calendar.json's `time`: every client language says how it writes a time of
 * day (docs/decisions/0025), so that no time of its messages falls back to another shape.
 */
function timeProblem(locale: string, calendar: LocaleMessages | undefined): string | undefined {
  if (!calendar) return undefined;
  if (Object.hasOwn(calendar, "time")) return timePatternProblem(calendar.time);
  return (CLIENT_LOCALES as readonly string[]).includes(locale)
    ? 'missing key "time" (how the language writes a time of day, e.g. "{{hh}}:{{minute}}")'
    : undefined;
}

/**
 * Files counsellors read, not clients: required only in the counsellors' languages (nl, fr, en).
 * Every other file is required in every client language.
 */
export const COUNSELLOR_ONLY_FILES: ReadonlySet<string> = new Set([
  "counsellor",
  "console",
  "broadcast-console",
  "staff-teams",
]);

function requiredIn(file: string, locale: string): boolean {
  return !COUNSELLOR_ONLY_FILES.has(file) || (COUNSELLOR_LOCALES as readonly string[]).includes(locale);
}

/** One problem as a line: `locales/ro/common.json: missing key "hours_other"`. */
export function formatProblem(problem: LocaleProblem, localesDir: string, cwd = process.cwd()): string {
  return `${relative(cwd, join(localesDir, problem.file)) || problem.file}: ${problem.message}`;
}

/** Which message keys exist in which locale; for checks that reference keys (flows). */
export interface KeyIndex {
  locales: readonly string[];
  /** Whether `<file>.<key>` exists in every locale (a plural key: its `_other` form). */
  hasKeyEverywhere(key: string): boolean;
  /** The locales that lack `<file>.<key>`. */
  localesMissing(key: string): string[];
}

/** Reads the locales folder once and answers key questions from memory. */
export function loadKeyIndex(localesDir: string): KeyIndex {
  const { locales } = loadLocales(localesDir);
  const localesMissing = (key: string) =>
    [...locales].filter(([, files]) => !hasMessage(files, key)).map(([locale]) => locale);
  return {
    locales: [...locales.keys()],
    hasKeyEverywhere: (key) => locales.size > 0 && localesMissing(key).length === 0,
    localesMissing,
  };
}

function checkFile(
  file: string,
  name: string,
  messages: LocaleMessages,
  reference: LocaleMessages,
  categories: readonly PluralCategory[] | undefined,
): LocaleProblem[] {
  const problems: LocaleProblem[] = [];
  const settings = LOCALE_SETTINGS[name] ?? [];
  const expected = expectedKeys(reference, categories);
  for (const [key, expectation] of expected) {
    if (settings.includes(key)) continue;
    if (!Object.hasOwn(messages, key)) {
      problems.push({ file, message: `missing key "${key}"` });
    } else {
      const message = compareValue(key, messages[key], expectation);
      if (message) problems.push({ file, message });
    }
  }
  for (const key of Object.keys(messages)) {
    if (expected.has(key) || settings.includes(key)) continue;
    // Without a plural rule we cannot tell which forms are needed; only `_other` is certain.
    if (!categories && pluralBase(key, reference)) continue;
    problems.push({ file, message: `extra key "${key}"` });
  }
  return problems;
}

/** Each string of a locale file (and of its lists) against its language's typography. */
function checkTypography(file: string, locale: string, messages: LocaleMessages): LocaleProblem[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value])
      .filter((text): text is string => typeof text === "string")
      .flatMap((text) =>
        typographyProblems(locale, text).map((problem) => ({ file, message: `"${key}": ${problem}` })),
      ),
  );
}

/** The keys a locale file needs: English's plain keys, and each plural key in this language's forms. */
function expectedKeys(
  reference: LocaleMessages,
  categories: readonly PluralCategory[] | undefined,
): Map<string, Expectation> {
  const expected = new Map<string, Expectation>();
  for (const [key, value] of Object.entries(reference)) {
    const base = pluralBase(key, reference);
    if (base === undefined) expected.set(key, { reference: value });
  }
  for (const key of Object.keys(reference)) {
    const base = pluralBase(key, reference);
    if (base === undefined || expected.has(`${base}_other`)) continue;
    for (const category of categories ?? ["other"]) {
      const value = reference[`${base}_${category}`] ?? reference[`${base}_other`];
      expected.set(`${base}_${category}`, { reference: value, category });
    }
  }
  return expected;
}

/** `hours` for `hours_one` when English has `hours_other`; undefined for a plain key. */
function pluralBase(key: string, reference: LocaleMessages): string | undefined {
  const match = /^(.+)_([a-z]+)$/.exec(key);
  if (!match?.[1] || !match[2] || !isPluralCategory(match[2])) return undefined;
  return typeof reference[`${match[1]}_other`] === "string" ? match[1] : undefined;
}

function compareValue(key: string, value: unknown, expectation: Expectation): string | undefined {
  const { reference } = expectation;
  if (Array.isArray(reference)) {
    if (!Array.isArray(value) || value.length !== reference.length) {
      return `"${key}" must be a list of ${reference.length}, like en`;
    }
    return value.every((v) => typeof v === "string" && v.trim() !== "")
      ? undefined
      : `empty string in "${key}"`;
  }
  if (typeof reference !== "string") return undefined;
  if (typeof value !== "string") return `"${key}" must be a string, like en`;
  if (value.trim() === "") return `empty string for "${key}"`;
  const wanted = placeholdersIn(reference);
  const found = placeholdersIn(value);
  const countMayGo =
    expectation.category && COUNT_OPTIONAL.has(expectation.category) && !found.includes("count");
  const needed = countMayGo ? wanted.filter((p) => p !== "count") : wanted;
  if (!sameList(needed, found)) {
    return `placeholders in "${key}" differ from en: ${describe(found, "{{", "}}")}; en has ${describe(wanted, "{{", "}}")}`;
  }
  const commands = unique(commandsIn(value));
  const englishCommands = unique(commandsIn(reference));
  if (!sameList(commands, englishCommands)) {
    return `commands in "${key}" differ from en: ${describe(commands)}; en has ${describe(englishCommands)}`;
  }
  return undefined;
}

/** Names of the `{{name}}` / `{{name, format}}` placeholders in a message, sorted, once each. */
export function placeholdersIn(text: string): string[] {
  return unique([...text.matchAll(/\{\{-?\s*([^\s,}]+)[^}]*\}\}/g)].map((m) => m[1] ?? ""));
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describe(values: readonly string[], before = "", after = ""): string {
  return values.length === 0 ? "none" : values.map((v) => `${before}${v}${after}`).join(", ");
}
