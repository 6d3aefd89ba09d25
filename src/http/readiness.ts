/**
 * Whether Postgres and Redis answer, known without waiting: Redis from its connection's state,
 * Postgres from a `SELECT 1` every second (bounded by a timeout). The doors ask it before they
 * take a request, so during an outage they answer 503 at once instead of after a stuck query,
 * and /readyz says the same.
 */
import type { Redis } from "ioredis";
import type { Db } from "../store/prisma.ts";

export const PROBE_INTERVAL_MS = 1000;
export const PROBE_TIMEOUT_MS = 2000;

export interface Readiness {
  /** Both answered at their last check. */
  ready(): boolean;
  postgres(): boolean;
  redis(): boolean;
  /** Checks Postgres now (and updates what ready() says). */
  probe(): Promise<void>;
  stop(): void;
}

/** Rejects after `ms`, for a query that may hang while its server is gone. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = PROBE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Starts probing; stop() ends it. */
export function createReadiness(db: Db, redis: Redis, intervalMs = PROBE_INTERVAL_MS): Readiness {
  let postgresUp = true;
  let probing: Promise<void> | undefined;
  const probe = () => {
    probing ??= withTimeout(db.$queryRaw`SELECT 1`, "postgres")
      .then(
        () => {
          postgresUp = true;
        },
        () => {
          postgresUp = false;
        },
      )
      .finally(() => {
        probing = undefined;
      });
    return probing;
  };
  const timer = setInterval(() => void probe(), intervalMs);
  timer.unref();
  // Before its first connection Redis counts as up: commands wait for it (start-up checked that
  // it answers). After that, anything but "ready" is an outage.
  let connected = redis.status === "ready";
  const onReady = () => {
    connected = true;
  };
  redis.once("ready", onReady);
  const redisUp = () => redis.status === "ready" || !connected;
  return {
    ready: () => postgresUp && redisUp(),
    postgres: () => postgresUp,
    redis: redisUp,
    probe,
    stop: () => {
      clearInterval(timer);
      redis.off("ready", onReady);
    },
  };
}
