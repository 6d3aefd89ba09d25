/**
 * The Redis keys of one test run. Every key prefix a test uses carries the run's id
 * (redis-keys.ts, testPrefix), so the run's teardown can find the keys it left behind without
 * touching those of other runs sharing the same Redis.
 */
import type { Redis } from "ioredis";

/** The pattern matching every key of the run `runId` (a key starts with its prefix). */
export const runKeyPattern = (runId: string) => `*-${runId}-*`;

/** Keys matching `pattern`, found with SCAN (never KEYS, which blocks a shared Redis). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/** A key with its unique parts (the run id, per-test ids, hashes) blurred: `t-*:nudges:meta`. */
export function keyShape(key: string, runId: string): string {
  return key.replace(new RegExp(`-${runId}-[A-Za-z0-9]+`), "-*").replace(/[A-Za-z0-9_-]{16,}/g, "*");
}

/** Fails, naming each leaked key's shape and how many, when the run left keys behind. */
export async function assertNoLeakedKeys(redis: Redis, runId: string): Promise<void> {
  const keys = await scanKeys(redis, runKeyPattern(runId));
  if (keys.length === 0) return;
  const shapes = new Map<string, number>();
  for (const key of keys) shapes.set(keyShape(key, runId), (shapes.get(keyShape(key, runId)) ?? 0) + 1);
  const list = [...shapes].map(([shape, n]) => `  ${n} × ${shape}`).join("\n");
  throw new Error(
    `This run left ${keys.length} Redis key(s) behind (pattern ${runKeyPattern(runId)}):\n${list}\n` +
      "The test or support helper that made them must remove them in afterEach/afterAll " +
      "(test/support/redis-keys.ts: removeKeys(prefix); startTestApp's close does it for its app).",
  );
}
