/**
 * Redis key prefixes for tests, and their removal. Every prefix carries this run's id (made by
 * global-setup.ts), whose teardown fails the run if any key of it is left (run-keys.ts).
 * Tests that start their own redis-server (own-redis.ts) need neither.
 */

import { Redis } from "ioredis";
import { inject } from "vitest";
import { uid } from "./db.ts";
import { TEST_REDIS_URL } from "./env.ts";
import { scanKeys } from "./run-keys.ts";

/** A queue prefix (QUEUE_PREFIX) no other test uses: `<label>-<run id>-<unique>`. */
export function testPrefix(label = "t"): string {
  return `${label}-${inject("redisRunId")}-${uid()}`;
}

/** Deletes every key under `prefix` (queues, pacers, rate-limit counters) on `redisUrl`. */
export async function removeKeys(prefix: string, redisUrl = TEST_REDIS_URL): Promise<void> {
  // Gives up instead of retrying forever: a test's own redis-server may be gone by now.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 3 ? null : 100) });
  try {
    const keys = await scanKeys(redis, `${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}
