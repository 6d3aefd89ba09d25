/**
 * The outbox's senders in a process of their own, for the kill tests (outbox-crash.test.ts): the
 * test SIGKILLs it mid-send. Configured from the environment; prints "ready" once its senders run.
 * SENDING_LEASE_S (short in tests) is how soon what it left `sending` may be swept.
 */
import pg from "pg";
import { createTelegramSender } from "../../src/channels/telegram/sender.ts";
import type { RateLimit } from "../../src/channels/types.ts";
import { createLogger } from "../../src/logger.ts";
import { createOutboundSenders } from "../../src/outbox/outbound-senders.ts";
import { createDb } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const limits = process.env.LIMITS ? (JSON.parse(process.env.LIMITS) as RateLimit[]) : undefined;
const redis = createRedis(env("REDIS_URL"));
const senders = createOutboundSenders({
  db: createDb(env("DATABASE_URL"), { poolSize: 2 }),
  sql: new pg.Pool({ connectionString: env("DATABASE_URL"), max: 4 }),
  redis,
  prefix: env("QUEUE_PREFIX"),
  senders: new Map([
    [
      "telegram",
      createTelegramSender(env("TELEGRAM_BOT_TOKEN"), {
        apiRoot: env("TELEGRAM_API_ROOT"),
        ...(limits ? { limits } : {}),
      }),
    ],
  ]),
  logger: createLogger("silent"),
  pollMs: 50,
  sendingLeaseSeconds: Number(process.env.SENDING_LEASE_S ?? 2),
});
await redis.ping();
senders.start();
console.log("ready");
