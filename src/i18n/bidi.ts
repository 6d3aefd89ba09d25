/**
 * Bidirectional text for right-to-left locales (Arabic). A Latin name, a number or a date dropped
 * into an Arabic sentence can pull the punctuation and words next to it to the wrong side;
 * wrapping each inserted value in an isolate keeps it in one piece and leaves the sentence alone.
 * Isolates are invisible format characters, not letters, so a `/command` next to one stays a word
 * of its own.
 */

/** U+2068 FIRST STRONG ISOLATE: the value takes the direction of its first strong letter. */
export const FSI = "\u2068";
/** U+2066 LEFT-TO-RIGHT ISOLATE. */
export const LRI = "\u2066";
/** U+2069 POP DIRECTIONAL ISOLATE: ends an isolate. */
export const PDI = "\u2069";

/** Wraps one interpolated value so it cannot reorder the right-to-left text around it. */
export function isolate(value: string): string {
  return `${FSI}${value}${PDI}`;
}

/** A `/command` as a whole word (not the slashes of a date like 31/12/2025). */
const COMMAND = /(?<![\p{L}\p{N}/])\/[a-z][a-z0-9_]*(?![\p{L}\p{N}_])/gu;

/** The `/commands` a message mentions, in order (used by the locale check). */
export function commandsIn(text: string): string[] {
  return text.match(COMMAND) ?? [];
}

/**
 * Keeps Latin `/commands` readable in a right-to-left message: without this, "اكتب /delete."
 * shows as "delete/" on screen. Each command becomes left-to-right isolated.
 */
export function isolateCommands(text: string): string {
  return text.replace(COMMAND, (command) => `${LRI}${command}${PDI}`);
}
