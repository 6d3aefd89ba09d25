/**
 * Plural rules: which form (`_one`, `_few`, …) a number takes in a language. Languages Intl knows
 * use CLDR data through Intl.PluralRules (as i18next does). A language Intl does not know — Romani —
 * brings its own rule in `locales/<lng>/meta.json`:
 *
 *   "plural_rule": { "one": "n = 1", "other": "otherwise" }
 *
 * Each category maps to a condition in a small subset of CLDR's rule syntax (operands `n`, the
 * absolute value, and `i`, its integer part; `%`; `=`/`!=`; values, `a..b` ranges and comma lists;
 * `and`, `or`). Categories are tried in the order written; `other` must come last, as `otherwise`.
 */

/** Plural suffixes i18next understands, in CLDR order. */
export const PLURAL_CATEGORIES = ["zero", "one", "two", "few", "many", "other"] as const;
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/** How one language picks a plural form. */
export interface PluralRule {
  /** The forms this language uses, CLDR-ordered, always ending in `other`. */
  readonly categories: readonly PluralCategory[];
  select(count: number): PluralCategory;
}

type Condition = (n: number) => boolean;

/** Whether `value` is one of the six CLDR plural category names. */
export function isPluralCategory(value: string): value is PluralCategory {
  return (PLURAL_CATEGORIES as readonly string[]).includes(value);
}

/** Parses a `plural_rule` object from a locale's meta.json; returns the rule or what is wrong with it. */
export function parsePluralRule(spec: unknown): PluralRule | string {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return 'plural_rule must be an object such as { "one": "n = 1", "other": "otherwise" }';
  }
  const entries = Object.entries(spec);
  const last = entries.at(-1);
  if (last?.[0] !== "other" || last[1] !== "otherwise") {
    return 'plural_rule must end with "other": "otherwise"';
  }
  const branches: { category: PluralCategory; test: Condition }[] = [];
  for (const [category, source] of entries.slice(0, -1)) {
    if (!isPluralCategory(category) || category === "other") {
      return `plural_rule: unknown category "${category}" (use ${PLURAL_CATEGORIES.join(", ")})`;
    }
    const test = typeof source === "string" ? parseCondition(source) : undefined;
    if (!test) return `plural_rule: cannot read the condition for "${category}": ${JSON.stringify(source)}`;
    branches.push({ category, test });
  }
  const used = new Set<PluralCategory>([...branches.map((b) => b.category), "other"]);
  return {
    categories: PLURAL_CATEGORIES.filter((c) => used.has(c)),
    select: (count) => branches.find((b) => b.test(Math.abs(count)))?.category ?? "other",
  };
}

/** The CLDR rule Intl has for `locale`, or undefined when Intl has no data for that language. */
export function intlPluralRule(locale: string): PluralRule | undefined {
  if (Intl.PluralRules.supportedLocalesOf([locale]).length === 0) return undefined;
  const rules = new Intl.PluralRules(locale);
  const known = new Set<string>(rules.resolvedOptions().pluralCategories);
  return {
    categories: PLURAL_CATEGORIES.filter((c) => known.has(c)),
    select: (count) => rules.select(count) as PluralCategory,
  };
}

/**
 * The rule for a locale: its own `plural_rule` from meta.json when present, else Intl's; a string
 * explains why there is none.
 */
export function pluralRuleFor(
  locale: string,
  meta: Record<string, unknown> | undefined,
): PluralRule | string {
  if (meta && Object.hasOwn(meta, "plural_rule")) return parsePluralRule(meta.plural_rule);
  return (
    intlPluralRule(locale) ??
    `Intl has no plural rules for "${locale}": add "plural_rule" to ${locale}/meta.json ` +
      '(e.g. { "one": "n = 1", "other": "otherwise" })'
  );
}

function parseCondition(source: string): Condition | undefined {
  const alternatives = source.trim().split(/\s+or\s+/);
  const parsed = alternatives.map((alt) => alt.split(/\s+and\s+/).map(parseRelation));
  if (parsed.some((relations) => relations.some((r) => r === undefined))) return undefined;
  const tests = parsed as Condition[][];
  return (n) => tests.some((relations) => relations.every((relation) => relation(n)));
}

const RELATION = /^([ni])\s*(?:%\s*(\d+)\s*)?(!=|=)\s*([\d.,\s]+)$/;

function parseRelation(source: string): Condition | undefined {
  const match = RELATION.exec(source.trim());
  if (!match) return undefined;
  const [, operand, modulus, operator, list = ""] = match;
  const ranges = list.split(",").map((item) => item.trim().split(".."));
  if (ranges.some((r) => r.length > 2 || r.some((v) => !/^\d+$/.test(v)))) return undefined;
  const bounds = ranges.map((r) => r.map(Number) as [number, number?]);
  return (n) => {
    let x = operand === "i" ? Math.trunc(n) : n;
    if (modulus) x %= Number(modulus);
    const inList = bounds.some(([lo, hi]) =>
      hi === undefined ? x === lo : Number.isInteger(x) && x >= lo && x <= hi,
    );
    return operator === "=" ? inList : !inList;
  };
}
