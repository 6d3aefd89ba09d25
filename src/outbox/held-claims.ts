/**
 * Messages claimed ahead of their send (bulk-sender.ts), held in Redis until their send slot.
 *
 * A broadcast's page claims its messages in the database (queued → sending) a few runs before
 * their slots, so that a slow commit (a disk flush that stalls for a few hundred ms, seen on the
 * benchmark's machine) no longer stalls the sends. A claimed message is `sending` in the database
 * whether or not its request has left; what tells the two apart is this set: a message is in it
 * from its claim until the page releases it for its slot (send-pacer.ts `reserveRun`, which
 * removes it in the same Redis call that reserves the slot). So a `sending` message found in the
 * set was never handed to the platform.
 *
 * Whoever removes a message from the set owns it, and only one can: the page (to send it), the
 * general path of a single job after the page stopped (`take`: back to `queued`, sent normally
 * instead of failed as uncertain), nobody else. A message missing from the set (released, or the
 * set lost with a Redis restart) is treated as before: `sending` means it may have left, so it is
 * failed as uncertain, never sent twice.
 *
 * A sorted set per channel, scored by the time of the claim; entries older than HELD_MAX_MS are
 * dropped (their page is long gone: such a message becomes uncertain, as without the set).
 */
import type { Redis } from "ioredis";

/** A held message older than this (ms) is forgotten. */
export const HELD_MAX_MS = 3600_000;

export interface HeldClaims {
  /** The sorted set's key (reserveRun releases from it). */
  readonly key: string;
  /** Marks claimed messages as held: claimed, not handed to the platform. */
  hold(ids: readonly bigint[]): Promise<void>;
  /**
   * Takes held messages over: returns those that were held (each to one caller only); the others
   * were released or taken by someone else.
   */
  take(ids: readonly bigint[]): Promise<bigint[]>;
}

export function createHeldClaims(redis: Redis, key: string): HeldClaims {
  return {
    key,
    async hold(ids) {
      if (!ids.length) return;
      const now = Date.now();
      const members = ids.flatMap((id) => [now, id.toString()]);
      await redis
        .multi()
        .zremrangebyscore(key, "-inf", now - HELD_MAX_MS)
        .zadd(key, ...members)
        .pexpire(key, HELD_MAX_MS)
        .exec()
        .then((results) => {
          const failed = results?.find(([error]) => error);
          if (failed) throw failed[0];
        });
    },
    async take(ids) {
      if (!ids.length) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.zrem(key, id.toString());
      const results = (await pipeline.exec()) ?? [];
      return ids.filter((_, k) => {
        const [error, removed] = results[k] ?? [new Error("no answer")];
        if (error) throw error;
        return removed === 1;
      });
    },
  };
}

/** The held set of a channel's messages under a queue prefix. */
export function heldClaimsKey(prefix: string, channel: string): string {
  return `${prefix}:held:${channel}`;
}
