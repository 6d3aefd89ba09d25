/**
 * Typography every string of a language must follow, checked with the keys (`npm run i18n:check`):
 * French puts a narrow no-break space (U+202F) before a colon ("Statut : actif", never "Statut:"
 * nor a plain space, at which a phone may start a line with the colon) and no-break spaces inside
 * guillemets; each language writes one apostrophe (French the typographic ’, the others '); and no
 * language has a double space or a space before a comma or a full stop.
 */

/** U+202F NARROW NO-BREAK SPACE: before a French colon. */
export const NARROW_NO_BREAK_SPACE = "\u202F";

/** The apostrophe a language writes between letters, where it is not the plain ' (U+0027). */
const APOSTROPHES: Readonly<Record<string, string>> = { fr: "’" };

/** The apostrophe `locale` writes between two letters ("l’emploi", "client's"). */
export function apostropheOf(locale: string): string {
  return APOSTROPHES[locale] ?? "'";
}

/** A short stretch of `text` around `index`, to show where a problem is. */
function around(text: string, index: number): string {
  return JSON.stringify(text.slice(Math.max(0, index - 12), index + 12));
}

/**
 * A colon that ends a label or a clause: followed by a space, a line break, a `{{placeholder}}` or
 * the end. Not one between digits (9:00) or placeholders ({{hour}}:{{minute}}), nor in an address.
 */
const LABEL_COLON = /(?<!\}\})(?<!\d):(?=\s|\{\{|$)/gu;

function frenchProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(LABEL_COLON)) {
    if (text[match.index - 1] !== NARROW_NO_BREAK_SPACE)
      problems.push(
        `a colon without a narrow no-break space (U+202F) before it: ${around(text, match.index)}`,
      );
  }
  const guillemet = /« | »/u.exec(text);
  if (guillemet) problems.push(`a guillemet with a breaking space: ${around(text, guillemet.index)}`);
  return problems;
}

/** What is wrong with the typography of `text` in `locale` ([] when nothing is). */
export function typographyProblems(locale: string, text: string): string[] {
  const problems = locale === "fr" ? frenchProblems(text) : [];
  const apostrophe = apostropheOf(locale);
  const other = /(?<=\p{L})['’](?=\p{L})/gu;
  for (const match of text.matchAll(other)) {
    if (match[0] !== apostrophe) {
      problems.push(`an apostrophe other than ${apostrophe}: ${around(text, match.index)}`);
      break;
    }
  }
  const spacing = /(?<=\S) {2,}(?=\S)| (?=[,.](?!\d|\.))/u.exec(text);
  if (spacing) problems.push(`a double space or a space before a comma: ${around(text, spacing.index)}`);
  return problems;
}
