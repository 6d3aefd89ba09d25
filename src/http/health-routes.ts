/**
 * `GET /healthz`: the process is up. `GET /readyz`: Postgres and Redis answer (503 naming the
 * one that does not), for load balancers and orchestrators. Each check is bounded in time, so
 * the answer comes within a few seconds during an outage too.
 */
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Db } from "../store/prisma.ts";
import { withTimeout } from "./readiness.ts";

/** Registers /healthz and /readyz. */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Db; redis: Redis }): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.db.$queryRaw`SELECT 1`, "postgres"),
      // A command sent while the connection is down would wait in ioredis's queue: ask its state.
      deps.redis.status === "ready"
        ? withTimeout(deps.redis.ping(), "redis")
        : Promise.reject(new Error("redis down")),
    ]);
    const [postgres, redis] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "unreachable"));
    const ready = postgres === "ok" && redis === "ok";
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", postgres, redis });
  });
}
