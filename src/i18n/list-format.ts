/**
 * Lists joined the way each language joins them: "a, b and c", "a, b și c", "أ وب وج". Languages
 * Intl knows use Intl.ListFormat (CLDR data); a language it does not know — Romani — brings its own
 * rule in `locales/<lng>/meta.json`:
 *
 *   "list": { "and": "thaj", "or": "vaj" }
 *
 * which joins "a, b thaj c" (commas between the items, the word before the last one).
 */

/** "and" joins items that all hold (documents to bring); "or" items of which one is meant (a filter). */
export type ListKind = "and" | "or";

/** A language's own list words, for a language Intl has no list data for. */
export type ListRule = Readonly<Record<ListKind, string>>;

const INTL_TYPE = { and: "conjunction", or: "disjunction" } as const;

/** Reads a `list` object from a locale's meta.json; returns the rule or what is wrong with it. */
export function parseListRule(spec: unknown): ListRule | string {
  const value = spec as Record<string, unknown> | null;
  const word = (kind: ListKind) => (typeof value?.[kind] === "string" ? (value[kind] as string).trim() : "");
  if (typeof spec !== "object" || spec === null || Array.isArray(spec) || !word("and") || !word("or")) {
    return 'list must be an object with the words for "and" and "or", such as { "and": "thaj", "or": "vaj" }';
  }
  return { and: word("and"), or: word("or") };
}

/** Whether Intl has list data for `locale` (else the locale needs a `list` rule in its meta.json). */
export function intlKnowsLists(locale: string): boolean {
  return Intl.ListFormat.supportedLocalesOf([locale]).length > 0;
}

/**
 * The rule for a locale: its own `list` from meta.json when present, else undefined when Intl
 * knows the language; a string says what is missing or wrong.
 */
export function listRuleFor(
  locale: string,
  meta: Record<string, unknown> | undefined,
): ListRule | undefined | string {
  if (meta && Object.hasOwn(meta, "list")) return parseListRule(meta.list);
  if (intlKnowsLists(locale)) return undefined;
  return `Intl has no list words for "${locale}": add "list" to ${locale}/meta.json (e.g. { "and": "thaj", "or": "vaj" })`;
}

/**
 * Joins `items` in `locale` ("a, b and c"); empty items are left out, so a missing part never
 * leaves a dangling comma. `own` is the language's rule from meta.json, when it has one; a
 * language with neither that nor Intl data gets commas only.
 */
export function formatList(
  items: readonly string[],
  locale: string,
  kind: ListKind = "and",
  own?: ListRule,
): string {
  const shown = items.filter((item) => item.length > 0);
  if (shown.length < 2) return shown[0] ?? "";
  if (own) return `${shown.slice(0, -1).join(", ")} ${own[kind]} ${shown.at(-1)}`;
  // A language with neither: commas only, never another language's "and".
  if (!intlKnowsLists(locale)) return shown.join(", ");
  return new Intl.ListFormat(locale, { style: "long", type: INTL_TYPE[kind] }).format(shown);
}
