/**
 * Redis connections (ioredis). BullMQ needs `maxRetriesPerRequest: null` on the connections its
 * workers block on; the same settings are fine for everything else.
 */
import { Redis } from "ioredis";

export class RedisUnreachableError extends Error {
  override name = "RedisUnreachableError";
}

/** A connection to `url` that reconnects forever (a Redis restart must not stop the bot). */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** A Lua script registered on a connection, called with its keys and arguments. */
export type RedisScript<T> = (...args: (string | number)[]) => Promise<T>;

/**
 * Registers `lua` on `redis` as command `name` (once per connection; ioredis then calls it with
 * EVALSHA) and returns it. `numberOfKeys` omitted: the first argument of each call is the count.
 */
export function redisScript<T>(
  redis: Redis,
  name: string,
  lua: string,
  numberOfKeys?: number,
): RedisScript<T> {
  if (!(name in redis))
    redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, RedisScript<T>>)[name] as RedisScript<T>;
  return (...args) => command.call(redis, ...args);
}

/** Fails with a message a person can act on when Redis does not answer within `timeoutMs`. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const u = new URL(url);
    throw new RedisUnreachableError(
      `Cannot reach Redis at ${u.hostname}:${u.port || 6379} (${(error as Error).message}). Start it with \`docker compose up -d redis\`, or install it (Debian/Ubuntu: \`sudo apt install redis-server\`, macOS: \`brew install redis && brew services start redis\`), then set REDIS_URL (see .env.example).`,
    );
  } finally {
    probe.disconnect();
  }
}
