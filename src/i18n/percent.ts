/**
 * A share as a percentage the way the reader's language writes it: "66,7%" in Dutch, "66,7 %" in
 * French (a narrow no-break space), "66.7%" in English.
 */
export function formatPercent(ratio: number, locale: string, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: fractionDigits }).format(
    ratio,
  );
}
