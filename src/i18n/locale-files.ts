/**
 * Reading `locales/<lng>/<file>.json` into memory. One file is one i18next namespace; a message
 * key seen by the rest of the code is `<file>.<key>` (`onboarding.consent_notice`). Files are read
 * once at start-up, synchronously; a file that is not valid JSON is reported, not thrown, so the
 * check can list every broken file and the translator can fall back to English for that file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The contents of one locale file: message key → string (or array, for calendar names). */
export type LocaleMessages = Record<string, unknown>;

/** One locale: file name without `.json` → its messages. */
export type LocaleFiles = Map<string, LocaleMessages>;

/** A file that could not be read as a JSON object, with its path relative to the locales folder. */
export interface LocaleLoadError {
  /** `<lng>/<file>.json`. */
  file: string;
  message: string;
}

/** Every locale found in a locales folder, and the files that could not be read. */
export interface LoadedLocales {
  dir: string;
  locales: Map<string, LocaleFiles>;
  errors: LocaleLoadError[];
}

/** Reads every `<lng>/<file>.json` under `dir`; unreadable files land in `errors`. */
export function loadLocales(dir: string): LoadedLocales {
  const locales = new Map<string, LocaleFiles>();
  const errors: LocaleLoadError[] = [];
  if (!existsSync(dir)) return { dir, locales, errors: [{ file: ".", message: "locales folder not found" }] };
  for (const locale of readdirSync(dir).sort()) {
    const localeDir = join(dir, locale);
    if (!statSync(localeDir).isDirectory()) continue;
    const files: LocaleFiles = new Map();
    for (const name of readdirSync(localeDir).sort()) {
      if (!name.endsWith(".json")) continue;
      const file = `${locale}/${name}`;
      const parsed = parseLocaleFile(readFileSync(join(localeDir, name), "utf8"));
      if (typeof parsed === "string") errors.push({ file, message: parsed });
      else files.set(name.slice(0, -".json".length), parsed);
    }
    locales.set(locale, files);
  }
  return { dir, locales, errors };
}

/** Parses one file's text; returns the messages, or a one-line description of what is wrong. */
export function parseLocaleFile(text: string): LocaleMessages | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `invalid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "invalid JSON (the file must hold one object of keys)";
  }
  return value as LocaleMessages;
}

/** Splits `common.hours` into file `common` and key `hours`; undefined without a dot. */
export function splitMessageKey(key: string): { file: string; key: string } | undefined {
  const dot = key.indexOf(".");
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { file: key.slice(0, dot), key: key.slice(dot + 1) };
}

/**
 * Whether `key` (`<file>.<key>`) exists in one locale: the exact key, or — for a plural key used
 * with `count` — its `_other` form.
 */
export function hasMessage(files: LocaleFiles | undefined, key: string): boolean {
  const parts = splitMessageKey(key);
  if (!files || !parts) return false;
  const messages = files.get(parts.file);
  if (!messages) return false;
  return Object.hasOwn(messages, parts.key) || typeof messages[`${parts.key}_other`] === "string";
}

/** The string at `key` in one locale, or undefined when absent or not a string. */
export function messageText(files: LocaleFiles | undefined, key: string): string | undefined {
  const parts = splitMessageKey(key);
  const value = parts ? files?.get(parts.file)?.[parts.key] : undefined;
  return typeof value === "string" ? value : undefined;
}
