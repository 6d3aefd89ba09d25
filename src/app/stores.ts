/**
 * The connections the app holds: Prisma, the two plain-SQL pools (conversation locks, the
 * outbound hot path) and Redis. One place opens them, one closes them.
 */
import type { Redis } from "ioredis";
import pg from "pg";
import type { Config } from "../config.ts";
import { createReadiness, type Readiness } from "../http/readiness.ts";
import type { Logger } from "../logger.ts";
import { createDb, type Db } from "../store/prisma.ts";
import { createRedis } from "../store/redis.ts";

export interface Stores {
  db: Db;
  /** Advisory locks per conversation (src/conversation/conversation-lock.ts). */
  lockPool: pg.Pool;
  /** The outbound workers' hot path (src/outbox/send-claim.ts): plain SQL, its own connections. */
  sendPool: pg.Pool;
  redis: Redis;
  /** Whether Postgres and Redis answer (the doors answer 503 at once while not). */
  readiness: Readiness;
  close(): Promise<void>;
}

/**
 * Opens every connection. Each has an 'error' listener (idle ones here, checked-out ones where
 * they are used): a lost connection fails its query, never the process. A connection that cannot
 * be made within 5 s fails the query instead of waiting for good.
 */
export function openStores(config: Config, logger: Logger): Stores {
  const db = createDb(config.DATABASE_URL, {
    onConnectionError: (error) =>
      logger.warn({ err: { message: error.message } }, "postgres connection failed"),
  });
  const pgOptions = { connectionString: config.DATABASE_URL, connectionTimeoutMillis: 5000 };
  const lockPool = new pg.Pool({ ...pgOptions, max: 20 });
  lockPool.on("error", (error) => logger.warn({ err: error }, "idle lock connection failed"));
  const sendPool = new pg.Pool({ ...pgOptions, max: 10 });
  sendPool.on("error", (error) => logger.warn({ err: error }, "idle send connection failed"));
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", (error) => logger.warn({ err: { message: error.message } }, "redis connection error"));
  const readiness = createReadiness(db, redis);
  return {
    db,
    lockPool,
    sendPool,
    redis,
    readiness,
    async close() {
      readiness.stop();
      redis.disconnect();
      await lockPool.end();
      await sendPool.end();
      await db.$disconnect();
    },
  };
}
