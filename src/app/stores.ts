/**
 * The connections the app holds: Prisma, the two plain-SQL pools (conversation locks, the
 * outbound hot path) and Redis. One place opens them, one closes them.
 */
import type { Redis } from "ioredis";
import pg from "pg";
import type { Config } from "../config.ts";
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
  close(): Promise<void>;
}

/** Opens every connection; idle-connection errors are logged, never thrown. */
export function openStores(config: Config, logger: Logger): Stores {
  const db = createDb(config.DATABASE_URL);
  const lockPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20 });
  lockPool.on("error", (error) => logger.warn({ err: error }, "idle lock connection failed"));
  const sendPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
  sendPool.on("error", (error) => logger.warn({ err: error }, "idle send connection failed"));
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", (error) => logger.warn({ err: { message: error.message } }, "redis connection error"));
  return {
    db,
    lockPool,
    sendPool,
    redis,
    async close() {
      redis.disconnect();
      await lockPool.end();
      await sendPool.end();
      await db.$disconnect();
    },
  };
}
