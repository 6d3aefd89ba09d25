/**
 * Typography every string of a language must follow, checked with the keys (`npm run i18n:check`):
 * French puts a narrow no-break space (U+202F) before a colon, a semicolon, an exclamation mark
 * and a question mark ("Statut : actif", "Tu es d’accord ?", never "Statut:" nor a plain space,
 * at which a phone may start a line with the mark) and inside guillemets (« Autre »); each
 * language writes one apostrophe (French the typographic ’, the others '); and no language has a
 * double space or a space before a comma or a full stop.
 */

/** U+202F NARROW NO-BREAK SPACE: before a French colon, ; ! ?, and inside « ». */
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

/** The marks besides the colon that French writes after U+202F, by name for the message. */
const SPACED_MARK_NAMES: Readonly<Record<string, string>> = {
  ";": "a semicolon",
  "!": "an exclamation mark",
  "?": "a question mark",
};

/** A semicolon, exclamation or question mark that begins a run ("?!" takes one space before it). */
const SPACED_MARK = /(?<![;!?])[;!?]/gu;

/** What the French marks check skips: a URL (…?q=1), an HTML entity (&amp;), a placeholder's name. */
const NOT_PROSE = /https?:\/\/\S+|&#?\w+;|(?<=\{\{)[^}]*(?=\}\})/gu;

/** Problems with French colons: each one that ends a label or a clause needs U+202F before it. */
function frenchColonProblems(text: string): string[] {
  return [...text.matchAll(LABEL_COLON)]
    .filter((match) => text[match.index - 1] !== NARROW_NO_BREAK_SPACE)
    .map(
      (match) => `a colon without a narrow no-break space (U+202F) before it: ${around(text, match.index)}`,
    );
}

/**
 * Problems with French ; ! ?: each needs U+202F before it ("{{name}}\u202f?"), unless it begins the
 * text or a line. URLs, entities and placeholder names are masked first, keeping every index.
 */
function frenchMarkProblems(text: string): string[] {
  const prose = text.replace(NOT_PROSE, (skipped) => "x".repeat(skipped.length));
  return [...prose.matchAll(SPACED_MARK)]
    .filter((match) => match.index > 0 && !/[\n\u202F]/u.test(prose.charAt(match.index - 1)))
    .map(
      (match) =>
        `${SPACED_MARK_NAMES[match[0]]} without a narrow no-break space (U+202F) before it: ${around(text, match.index)}`,
    );
}

/** Problems with French guillemets: U+202F after « and before », never a plain or no space. */
function frenchGuillemetProblems(text: string): string[] {
  const guillemet = /«(?!\u202F)|(?<!\u202F)»/u.exec(text);
  return guillemet
    ? [`a guillemet without a narrow no-break space (U+202F) inside it: ${around(text, guillemet.index)}`]
    : [];
}

/** Every French rule above, in that order. */
function frenchProblems(text: string): string[] {
  return [...frenchColonProblems(text), ...frenchMarkProblems(text), ...frenchGuillemetProblems(text)];
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
