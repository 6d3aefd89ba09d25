/**
 * What the rest of the code needs from translations. The implementation (i18next, bidi isolation,
 * Romani dates and plurals from our own locale files) is in `./i18n.ts`.
 */

/** The languages clients can use, in the order the language menu shows them. */
export const CLIENT_LOCALES = ["rom", "ro", "ar", "bg", "nl", "fr", "en"] as const;
export type ClientLocale = (typeof CLIENT_LOCALES)[number];

/** Languages counsellors read. */
export const COUNSELLOR_LOCALES = ["nl", "fr", "en"] as const;
export type CounsellorLocale = (typeof COUNSELLOR_LOCALES)[number];

export const RTL_LOCALES: ReadonlySet<string> = new Set(["ar"]);

export type TranslationParams = Record<string, string | number | Date>;

export interface Translator {
  /**
   * Renders `key` in `locale`. Interpolated values are isolated with Unicode FSI/PDI in
   * right-to-left locales; Date values are formatted in the given time zone (`params.timeZone`,
   * an IANA name, else the translator's default); `count` selects the plural form (Romani from
   * our own rules). A key the locale lacks renders in the fallback language; never throws.
   */
  t(key: string, locale: string, params?: TranslationParams): string;
  /** Whether `key` exists in `locale` (no fallback). */
  has(key: string, locale: string): boolean;
  /** Writing direction of a locale. */
  dir(locale: string): "ltr" | "rtl";
  /** Formats a date and time for a person, in their language and time zone (Romani: our own month names). */
  formatDateTime(date: Date, locale: string, timeZone: string): string;
  /** Formats a calendar date without time ("3 February 2027"; Romani: our own month names). */
  formatDate(date: Date, locale: string, timeZone: string): string;
  /**
   * A time of day (`clock` as "HH:MM", as settings and forms hold it) the way `locale` writes one
   * (its calendar.json `time`: Bulgarian "9:00", the others "09:00"), as in its dates, so that
   * every time in a message looks the same. Anything that is not HH:MM comes back as it is.
   */
  formatTime(clock: string, locale: string): string;
  /** The name of a weekday (1 Monday … 7 Sunday) in `locale` (Romani: our own names). */
  weekdayName(isoWeekday: number, locale: string): string;
  /**
   * Joins items the way `locale` does ("a, b and c", "a, b și c", Arabic "أ وب وج"; Romani from
   * its meta.json); `kind` "or" for alternatives. Empty items are left out.
   */
  formatList(items: readonly string[], locale: string, kind?: "and" | "or"): string;
  /** Picks a supported client locale from a platform hint ("ro-RO" → "ro"), or undefined. */
  matchLocale(hint: string | undefined): ClientLocale | undefined;
}
