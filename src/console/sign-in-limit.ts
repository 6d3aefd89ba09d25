/**
 * Sign-in attempts are rate-limited in Redis (shared by every app instance): at most
 * PER_ACCOUNT attempts for one e-mail and PER_ADDRESS from one IP address in WINDOW_SECONDS.
 * A success clears the account's counter. Keys hold a hash of the e-mail, never the address itself.
 */
import type { Redis } from "ioredis";
import { secretHash } from "../domain/staff/secret-tokens.ts";

export const SIGN_IN_LIMITS = { PER_ACCOUNT: 5, PER_ADDRESS: 30, WINDOW_SECONDS: 15 * 60 } as const;

/** The counters of one app (its key prefix). */
export interface SignInLimiter {
  /** Counts an attempt; false when it is over a limit (the attempt must be refused). */
  attempt(email: string, ip: string): Promise<boolean>;
  /** Forgets the account's failures after a successful sign-in. */
  succeeded(email: string): Promise<void>;
}

export function createSignInLimiter(redis: Redis, prefix: string): SignInLimiter {
  const accountKey = (email: string) =>
    `${prefix}:signin:account:${secretHash(email.trim().toLowerCase()).slice(0, 32)}`;
  const addressKey = (ip: string) => `${prefix}:signin:address:${secretHash(ip).slice(0, 32)}`;
  const count = async (key: string) => {
    const [[, value]] = (await redis
      .multi()
      .incr(key)
      .expire(key, SIGN_IN_LIMITS.WINDOW_SECONDS, "NX")
      .exec()) as [[Error | null, number], unknown];
    return value;
  };
  return {
    async attempt(email, ip) {
      const [account, address] = await Promise.all([count(accountKey(email)), count(addressKey(ip))]);
      return account <= SIGN_IN_LIMITS.PER_ACCOUNT && address <= SIGN_IN_LIMITS.PER_ADDRESS;
    },
    async succeeded(email) {
      await redis.del(accountKey(email));
    },
  };
}
