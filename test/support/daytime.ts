/**
 * A clock for code that applies quiet hours (21:00–08:00 by default) when a test is about
 * something else: the latest 12:00 UTC that has passed (midday in Brussels too). It is always in
 * the past, so a broadcast created with it is due at once, whatever time the suite runs at.
 */
export function lastMidday(): Date {
  const midday = new Date();
  midday.setUTCHours(12, 0, 0, 0);
  if (midday.getTime() > Date.now()) midday.setUTCDate(midday.getUTCDate() - 1);
  return midday;
}
