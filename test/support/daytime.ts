/**
 * A clock for code that applies quiet hours (21:00–08:00 by default) when a test is about
 * something else: today at 12:00 UTC, midday in Brussels too, whatever time the suite runs at.
 */
export function middayToday(): Date {
  const midday = new Date();
  midday.setUTCHours(12, 0, 0, 0);
  return midday;
}
