/**
 * The translator: i18next over `locales/<lng>/<file>.json`, plus what i18next does not do for us —
 * bidi isolation of interpolated values in right-to-left locales, dates in the person's zone and
 * language, Romani plural forms and dates from our own locale files, and a quiet English fallback
 * for any key a language lacks.
 */
import i18next, { type i18n as I18next, type Resource } from "i18next";
import type { Logger } from "../logger.ts";
import { isolate, isolateCommands } from "./bidi.ts";
import {
  type CalendarNames,
  DEFAULT_TIME_ZONE,
  formatClockWith,
  formatDateTimeWith,
  readCalendar,
} from "./date-time.ts";
import { formatList, type ListKind, type ListRule, parseListRule } from "./list-format.ts";
import { hasMessage, type LoadedLocales, loadLocales, messageText, splitMessageKey } from "./locale-files.ts";
import { matchLocale } from "./locale-match.ts";
import { type PluralRule, parsePluralRule } from "./plural-rules.ts";
import { type ClientLocale, RTL_LOCALES, type TranslationParams, type Translator } from "./translator.ts";

/** How to build a translator. */
export interface TranslatorOptions {
  /** Folder holding `<lng>/<file>.json` (the repo's `locales/`). */
  localesDir: string;
  /** Language used for a key or a locale we do not have. Default "en". */
  fallbackLocale?: string;
  /** Zone for Date params when the call gives no `timeZone` param. Default Europe/Brussels. */
  timeZone?: string;
  /** Receives missing keys and unreadable files (key names and file names only, never text). */
  logger?: Pick<Logger, "warn">;
}

/**
 * Loads every locale and returns a Translator. Throws only at start-up, and only when the
 * fallback language itself is missing or unreadable; any other broken file falls back to it.
 */
export async function createTranslator(options: TranslatorOptions): Promise<Translator> {
  const fallback = options.fallbackLocale ?? "en";
  const loaded = loadLocales(options.localesDir);
  const fallbackCalendar = requireFallback(loaded, fallback);
  for (const error of loaded.errors) {
    options.logger?.warn({ file: error.file }, "i18n: locale file skipped (unreadable)");
  }
  const calendars = new Map<string, CalendarNames>();
  for (const [locale, files] of loaded.locales) {
    calendars.set(locale, readCalendar(files.get("calendar")) ?? fallbackCalendar);
  }
  return new LocaleTranslator({
    loaded,
    i18next: await createI18next(loaded, fallback),
    fallback,
    defaultZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    ownPluralRules: readOwnPluralRules(loaded, options.logger),
    ownListRules: readOwnListRules(loaded, options.logger),
    calendars,
    logger: options.logger,
  });
}

interface LocaleTranslatorParts {
  loaded: LoadedLocales;
  i18next: I18next;
  fallback: string;
  defaultZone: string;
  /** Plural rules from meta.json (Romani); other locales use i18next's Intl-based resolver. */
  ownPluralRules: Map<string, PluralRule>;
  /** List words from meta.json (Romani); other locales use Intl.ListFormat. */
  ownListRules: Map<string, ListRule>;
  /** Every loaded locale's calendar (the fallback's where its own is broken). */
  calendars: Map<string, CalendarNames>;
  logger: Pick<Logger, "warn"> | undefined;
}

class LocaleTranslator implements Translator {
  readonly #parts: LocaleTranslatorParts;
  /** `<locale>:<key>` pairs already reported missing, so a hot path logs once. */
  readonly #reported = new Set<string>();

  constructor(parts: LocaleTranslatorParts) {
    this.#parts = parts;
  }

  t(key: string, locale: string, params: TranslationParams = {}): string {
    const { fallback, logger } = this.#parts;
    const lng = this.#knownLocale(locale) ?? fallback;
    const text = this.#render(key, lng, params);
    if (text !== undefined) return text;
    if (!this.#reported.has(`${lng}:${key}`)) {
      this.#reported.add(`${lng}:${key}`);
      logger?.warn({ key, locale: lng, fallback }, "i18n: message missing, using the fallback language");
    }
    return (lng === fallback ? undefined : this.#render(key, fallback, params)) ?? key;
  }

  has(key: string, locale: string): boolean {
    const lng = this.#knownLocale(locale);
    return lng !== undefined && hasMessage(this.#parts.loaded.locales.get(lng), key);
  }

  dir(locale: string): "ltr" | "rtl" {
    return RTL_LOCALES.has(matchLocale(locale) ?? locale) ? "rtl" : "ltr";
  }

  formatDateTime(date: Date, locale: string, timeZone: string): string {
    const lng = this.#knownLocale(locale) ?? this.#parts.fallback;
    const calendar = this.#parts.calendars.get(lng) ?? this.#parts.calendars.get(this.#parts.fallback);
    return calendar ? formatDateTimeWith(date, lng, timeZone, calendar) : "";
  }

  formatDate(date: Date, locale: string, timeZone: string): string {
    const lng = this.#knownLocale(locale) ?? this.#parts.fallback;
    const calendar = this.#parts.calendars.get(lng) ?? this.#parts.calendars.get(this.#parts.fallback);
    return calendar ? formatDateTimeWith(date, lng, timeZone, calendar, calendar.date) : "";
  }

  formatTime(clock: string, locale: string): string {
    const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(clock);
    if (!match) return clock;
    const lng = this.#knownLocale(locale) ?? this.#parts.fallback;
    const calendar = this.#parts.calendars.get(lng) ?? this.#parts.calendars.get(this.#parts.fallback);
    return calendar ? formatClockWith(Number(match[1]), Number(match[2]), calendar.time) : clock;
  }

  weekdayName(isoWeekday: number, locale: string): string {
    const lng = this.#knownLocale(locale) ?? this.#parts.fallback;
    const calendar = this.#parts.calendars.get(lng) ?? this.#parts.calendars.get(this.#parts.fallback);
    // 1 January 2024 was a Monday; noon UTC is that day in every zone we serve.
    const day = new Date(Date.UTC(2024, 0, isoWeekday, 12));
    return calendar ? formatDateTimeWith(day, lng, "UTC", calendar, "{{weekday}}") : "";
  }

  matchLocale(hint: string | undefined): ClientLocale | undefined {
    return matchLocale(hint);
  }

  formatList(items: readonly string[], locale: string, kind: ListKind = "and"): string {
    const lng = this.#knownLocale(locale) ?? this.#parts.fallback;
    return formatList(items, lng, kind, this.#parts.ownListRules.get(lng));
  }

  /** A locale we have files for, from an exact code or a hint ("ar-SA"); else undefined. */
  #knownLocale(locale: string): string | undefined {
    const { locales } = this.#parts.loaded;
    if (locales.has(locale)) return locale;
    const matched = matchLocale(locale);
    return matched && locales.has(matched) ? matched : undefined;
  }

  /** `key` in exactly `lng`, or undefined when that locale lacks it. */
  #render(key: string, lng: string, params: TranslationParams): string | undefined {
    const count = params.count;
    const lookup =
      typeof count === "number" && Number.isFinite(count) ? this.#pluralKey(key, lng, count) : key;
    const parts = splitMessageKey(lookup);
    if (!parts || !messageText(this.#parts.loaded.locales.get(lng), lookup)) return undefined;
    const rtl = RTL_LOCALES.has(lng);
    const zone = typeof params.timeZone === "string" ? params.timeZone : this.#parts.defaultZone;
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      const text = value instanceof Date ? this.formatDateTime(value, lng, zone) : String(value);
      values[name] = rtl ? isolate(text) : text;
    }
    const text = this.#parts.i18next.t(parts.key, { lng, ns: parts.file, replace: values });
    return rtl ? isolateCommands(text) : text;
  }

  /** The plural form of `key` for `count` in `lng`, else its `_other` form, else `key` itself. */
  #pluralKey(key: string, lng: string, count: number): string {
    const own = this.#parts.ownPluralRules.get(lng);
    const suffix = own
      ? `_${own.select(count)}`
      : String(this.#parts.i18next.services.pluralResolver.getSuffix(lng, count));
    const files = this.#parts.loaded.locales.get(lng);
    if (messageText(files, `${key}${suffix}`)) return `${key}${suffix}`;
    if (messageText(files, `${key}_other`)) return `${key}_other`;
    return key;
  }
}

function requireFallback(loaded: LoadedLocales, fallback: string): CalendarNames {
  const broken = loaded.errors.find((e) => e.file === "." || e.file.startsWith(`${fallback}/`));
  if (broken) throw new Error(`locales: ${broken.file}: ${broken.message}`);
  const files = loaded.locales.get(fallback);
  if (!files) throw new Error(`locales: no "${fallback}" folder in ${loaded.dir}`);
  const calendar = readCalendar(files.get("calendar"));
  if (!calendar) throw new Error(`locales: ${fallback}/calendar.json needs 12 months, 7 weekdays, date_time`);
  return calendar;
}

/** One i18next instance holding every locale; one namespace per file; no key or ns separators. */
async function createI18next(loaded: LoadedLocales, fallback: string): Promise<I18next> {
  const resources: Resource = {};
  const namespaces = new Set<string>();
  for (const [locale, files] of loaded.locales) {
    resources[locale] = Object.fromEntries(files);
    for (const file of files.keys()) namespaces.add(file);
  }
  const instance = i18next.createInstance();
  await instance.init({
    initAsync: false,
    showSupportNotice: false,
    resources,
    lng: fallback,
    fallbackLng: fallback,
    ns: [...namespaces],
    defaultNS: false,
    nsSeparator: false,
    keySeparator: false,
    interpolation: { escapeValue: false },
  });
  // `{{language, lowercase}}`: a word the caller gives as a label ("Roumain") written in lower case
  // where the language wants it so, inside a sentence ("le texte en roumain").
  instance.services.formatter?.add("lowercase", (value, lng) =>
    typeof value === "string" ? value.toLocaleLowerCase(lng) : value,
  );
  return instance;
}

/** List words written in locale files (meta.json `list`), by locale. */
function readOwnListRules(loaded: LoadedLocales, logger?: Pick<Logger, "warn">): Map<string, ListRule> {
  const rules = new Map<string, ListRule>();
  for (const [locale, files] of loaded.locales) {
    const meta = files.get("meta");
    if (!meta || !Object.hasOwn(meta, "list")) continue;
    const rule = parseListRule(meta.list);
    if (typeof rule === "string") logger?.warn({ file: `${locale}/meta.json` }, `i18n: ${rule}`);
    else rules.set(locale, rule);
  }
  return rules;
}

/** Plural rules written in locale files (meta.json `plural_rule`), by locale. */
function readOwnPluralRules(loaded: LoadedLocales, logger?: Pick<Logger, "warn">): Map<string, PluralRule> {
  const rules = new Map<string, PluralRule>();
  for (const [locale, files] of loaded.locales) {
    const meta = files.get("meta");
    if (!meta || !Object.hasOwn(meta, "plural_rule")) continue;
    const rule = parsePluralRule(meta.plural_rule);
    if (typeof rule === "string") logger?.warn({ file: `${locale}/meta.json` }, `i18n: ${rule}`);
    else rules.set(locale, rule);
  }
  return rules;
}
