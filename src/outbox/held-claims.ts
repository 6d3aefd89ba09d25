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
 * set lost with a Redis restart) is, to anyone but its page, as before: `sending` means it may have
 * left, so it is failed as uncertain, never sent twice.
 *
 * The set has an epoch: a random value set with it, which a page gets back when it holds its
 * messages. If the set is lost (Redis restarted without persistence, or flushed) the epoch goes
 * with it, and the page, finding another epoch or none, knows its messages are still its own
 * (nobody else can have taken them: taking needs the set) and sends them anyway, rather than
 * leaving them to be failed as uncertain.
 *
 * A sorted set per channel, scored by the time of the claim; entries older than HELD_MAX_MS are
 * dropped (their page is long gone: such a message becomes uncertain, as without the set).
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisScript } from "../store/redis.ts";

/** A held message older than this (ms) is forgotten. */
export const HELD_MAX_MS = 3600_000;

export interface HeldClaims {
  /** The sorted set's key (reserveRun releases from it). */
  readonly key: string;
  /** The key of the set's epoch. */
  readonly epochKey: string;
  /** Marks claimed messages as held (claimed, not handed to the platform); returns the epoch. */
  hold(ids: readonly bigint[]): Promise<string>;
  /**
   * Takes held messages over: returns those that were held (each to one caller only); the others
   * were released or taken by someone else. With the `epoch` its caller held them in (a page's
   * own messages): all of them when the set has been lost since.
   */
  take(ids: readonly bigint[], epoch?: string): Promise<bigint[]>;
  /** Whether the set has been lost since `epoch`: what a page held is then its own. */
  lost(epoch: string): Promise<boolean>;
}

// KEYS: the set, its epoch. ARGV: now (ms), max age (ms), a new epoch, then the ids.
// Returns the epoch in force (the new one when the set had none).
const HOLD = `
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[2], epoch)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return epoch
`;

// KEYS: the set, its epoch. ARGV: the caller's epoch or "", then the ids. Returns 1 or 0 per id.
const TAKE = `
local lost = ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1]
local taken = {}
for i = 2, #ARGV do
  if lost then taken[i - 1] = 1 else taken[i - 1] = redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return taken
`;

const HOLD_COMMAND = "holdClaims";
const TAKE_COMMAND = "takeHeldClaims";

export function createHeldClaims(redis: Redis, key: string): HeldClaims {
  const runHold = redisScript<string>(redis, HOLD_COMMAND, HOLD, 2);
  const runTake = redisScript<number[]>(redis, TAKE_COMMAND, TAKE, 2);
  const epochKey = `${key}:epoch`;
  return {
    key,
    epochKey,
    async hold(ids) {
      const fresh = randomBytes(8).toString("hex");
      return runHold(key, epochKey, Date.now(), HELD_MAX_MS, fresh, ...ids.map(String));
    },
    async take(ids, epoch) {
      if (!ids.length) return [];
      const taken = await runTake(key, epochKey, epoch ?? "", ...ids.map(String));
      return ids.filter((_, k) => Number(taken[k]) === 1);
    },
    async lost(epoch) {
      return (await redis.get(epochKey)) !== epoch;
    },
  };
}

/** The held set of a channel's messages under a queue prefix. */
export function heldClaimsKey(prefix: string, channel: string): string {
  return `${prefix}:held:${channel}`;
}
