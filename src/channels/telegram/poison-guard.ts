/**
 * The last line against an update that fails every time while Postgres and Redis are up (a bug
 * the door did not catch): after MAX_ATTEMPTS failures it is acknowledged and logged instead of
 * being redelivered by Telegram for hours. Remembered per process, for the newest few thousand
 * update ids only.
 */

export const MAX_ATTEMPTS = 5;
const REMEMBERED = 5000;

export interface PoisonGuard {
  /** Counts a failure of `updateId`; true once it has failed MAX_ATTEMPTS times. */
  failedTooOften(updateId: number): boolean;
  /** The update was handled: forget its failures. */
  forget(updateId: number): void;
}

export function createPoisonGuard(maxAttempts = MAX_ATTEMPTS): PoisonGuard {
  const failures = new Map<number, number>();
  return {
    failedTooOften(updateId) {
      const count = (failures.get(updateId) ?? 0) + 1;
      failures.delete(updateId);
      failures.set(updateId, count);
      if (failures.size > REMEMBERED) failures.delete(failures.keys().next().value as number);
      return count >= maxAttempts;
    },
    forget(updateId) {
      failures.delete(updateId);
    },
  };
}
