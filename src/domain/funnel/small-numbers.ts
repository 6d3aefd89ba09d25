/**
 * Small numbers protect people: in what leaves the organisation, a figure from 1 to threshold − 1,
 * and any figure derived from one (a conversion, a median over such a group), shows as
 * "< threshold"; 0 stays 0. The threshold is the organisation's (Organisation.smallNumberThreshold,
 * 5 by default). The coordinator's own screen shows exact numbers.
 */

/** True for a figure that could point at a person: 1 to threshold − 1. */
export function isSmall(figure: number | null | undefined, threshold: number): boolean {
  return typeof figure === "number" && figure > 0 && figure < threshold;
}

/** What a count shows outside: "" when unknown, "< t" when small, else the number. */
export function protectedCount(figure: number | null | undefined, threshold: number): string {
  if (figure === null || figure === undefined) return "";
  return isSmall(figure, threshold) ? `< ${threshold}` : String(figure);
}

/** A figure derived from `sources`: "< t" when any of them is small, "" when unknown. */
export function protectedDerived(
  figure: number | null | undefined,
  sources: readonly (number | null | undefined)[],
  threshold: number,
): string {
  if (figure === null || figure === undefined) return "";
  return sources.some((source) => isSmall(source, threshold)) ? `< ${threshold}` : String(figure);
}
