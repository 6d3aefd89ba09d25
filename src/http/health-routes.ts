/**
 * `GET /healthz`: the process is up. `GET /readyz`: Postgres and Redis answer (503 naming the
 * one that does not), for load balancers and orchestrators.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Db } from "../store/prisma.ts";

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} timed out`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

/** Registers /healthz and /readyz. */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Db; redis: Redis }): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.db.$queryRaw`SELECT 1`, "postgres"),
      withTimeout(deps.redis.ping(), "redis"),
    ]);
    const [postgres, redis] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "unreachable"));
    const ready = postgres === "ok" && redis === "ok";
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", postgres, redis });
  });
}
