/**
 * The connections the app holds: Prisma, the two plain-SQL pools (conversation locks, the
 * outbound hot path), the one LISTEN connection and Redis. One place opens them, one closes them.
 */
import type { Redis } from "ioredis";
import type pg from "pg";
import type { Config } from "../config.ts";
import { createReadiness, type Readiness, withTimeout } from "../http/readiness.ts";
import { type Logger, loggableError } from "../logger.ts";
import { createPgListen, type PgListen } from "../store/pg-listen.ts";
import { createPgPool } from "../store/pg-pool.ts";
import { createDb, type Db } from "../store/prisma.ts";
import { createRedis } from "../store/redis.ts";

export interface Stores {
  db: Db;
  /** Advisory locks per conversation (src/conversation/conversation-lock.ts). */
  lockPool: pg.Pool;
  /** The outbox senders' queue statements (src/outbox/message-store.ts): plain SQL, own connections. */
  sendPool: pg.Pool;
  /** The process's one LISTEN connection, for every listener (inbox views, Teams cards). */
  pgListen: PgListen;
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
    onConnectionError: (error) => logger.warn({ err: loggableError(error) }, "postgres connection failed"),
  });
  const lockPool = createPgPool({ connectionString: config.DATABASE_URL, max: 20 }, (error) =>
    logger.warn({ err: loggableError(error) }, "lock connection failed"),
  );
  const sendPool = createPgPool({ connectionString: config.DATABASE_URL, max: 10 }, (error) =>
    logger.warn({ err: loggableError(error) }, "send connection failed"),
  );
  const pgListen = createPgListen(config.DATABASE_URL, (error) =>
    logger.warn({ err: loggableError(error) }, "listen connection failed"),
  );
  const redis = createRedis(config.REDIS_URL);
  redis.on("error", (error) => logger.warn({ err: loggableError(error) }, "redis connection error"));
  const readiness = createReadiness(db, redis);
  return {
    db,
    lockPool,
    sendPool,
    pgListen,
    redis,
    readiness,
    async close() {
      readiness.stop();
      redis.disconnect();
      // A pool waits for every checked-out client; one lost in a cut connection must not hang
      // the shutdown, so each gets a few seconds.
      for (const [what, end] of [
        ["lock pool", () => lockPool.end()],
        ["send pool", () => sendPool.end()],
        ["listen connection", () => pgListen.close()],
        ["prisma", () => db.$disconnect()],
      ] as const) {
        await withTimeout(end(), what, 5000).catch((error: Error) =>
          logger.warn({ err: loggableError(error) }, "closing a store failed"),
        );
      }
    },
  };
}
