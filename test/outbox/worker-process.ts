/**
 * An outbound worker in its own process, for the kill tests (outbox-crash.test.ts): the test
 * SIGKILLs it while it holds a job. Configured from the environment; prints "ready" once its
 * worker is connected to Redis. Short locks, so another worker takes a dead one's job over soon.
 */
import pg from "pg";
import { createTelegramChannel } from "../../src/channels/telegram/telegram-channel.ts";
import { createLogger } from "../../src/logger.ts";
import { createOutboundWorkers } from "../../src/outbox/outbound-worker.ts";
import { createDb } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const logger = createLogger("silent");
const telegram = createTelegramChannel({
  token: env("TELEGRAM_BOT_TOKEN"),
  apiRoot: env("TELEGRAM_API_ROOT"),
  mode: "webhook",
  webhookSecret: "kill-test-secret-0123456789",
  onInbound: async () => {},
  logger,
});
const { workers, bulkWorkers } = createOutboundWorkers({
  db: createDb(env("DATABASE_URL"), { poolSize: 2 }),
  sql: new pg.Pool({ connectionString: env("DATABASE_URL"), max: 2 }),
  connection: createRedis(env("REDIS_URL")),
  prefix: env("QUEUE_PREFIX"),
  senders: new Map([["telegram", telegram.sender]]),
  logger,
  lockDuration: 1000,
  stalledInterval: 1000,
});
await Promise.all([...workers, ...bulkWorkers].map((w) => w.waitUntilReady()));
console.log("ready");
