/**
 * Which text of a broadcast a person gets. Pure. A broadcast has a text per language, written by
 * a person; someone whose language has none gets one only through a fallback the counsellor
 * gave explicitly (`rom=ro`: Romani readers get the Romanian text; `*=fr`: everyone without a
 * text gets French) — never silently another language.
 */

/** Language → text. */
export type BroadcastTexts = Readonly<Record<string, string>>;
/** Language (or "*" for every other) → the language whose text it gets. */
export type BroadcastFallbacks = Readonly<Record<string, string>>;

/** The language of the text for someone who reads `locale`; null when there is none for them. */
export function textLocaleFor(
  locale: string,
  texts: BroadcastTexts,
  fallbacks: BroadcastFallbacks,
): string | null {
  if (texts[locale]) return locale;
  const fallback = fallbacks[locale] ?? fallbacks["*"];
  return fallback && texts[fallback] ? fallback : null;
}

/** Languages in the segment without a text or a fallback, with how many people read each. */
export function missingLanguages(
  locales: readonly string[],
  texts: BroadcastTexts,
  fallbacks: BroadcastFallbacks,
): { locale: string; people: number }[] {
  const missing = new Map<string, number>();
  for (const locale of locales) {
    if (textLocaleFor(locale, texts, fallbacks) === null) missing.set(locale, (missing.get(locale) ?? 0) + 1);
  }
  return [...missing].map(([locale, people]) => ({ locale, people })).sort((a, b) => b.people - a.people);
}

/** Fallbacks that point at a language without a text (a typo would otherwise send nothing). */
export function brokenFallbacks(texts: BroadcastTexts, fallbacks: BroadcastFallbacks): string[] {
  return Object.entries(fallbacks)
    .filter(([, to]) => !texts[to])
    .map(([from, to]) => `${from}=${to}`);
}
