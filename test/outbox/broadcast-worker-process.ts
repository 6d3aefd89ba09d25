/**
 * A broadcast fan-out worker in its own process, for broadcast-crash.test.ts: the test SIGKILLs
 * it in the middle of a broadcast. Small pages, a pause after each, and a line on stdout per
 * page ("page <written>"), so the test can kill it at a known point. Short locks, so a worker of
 * the test takes the stopped job over soon.
 */
import { createBroadcastWorker } from "../../src/domain/broadcasts/broadcast-worker.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { createLogger } from "../../src/logger.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createDb } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const db = createDb(env("DATABASE_URL"), { poolSize: 2 });
const connection = createRedis(env("REDIS_URL"));
const prefix = env("QUEUE_PREFIX");
const worker = createBroadcastWorker({
  db,
  outbox: createOutbox({ db, queue: prefix }),
  translator: await createTranslator({ localesDir: "locales" }),
  connection,
  prefix,
  logger: createLogger("silent"),
  pageSize: 5,
  // Renewed every 1.5 s: on a busy machine a lock renewed late would count as the job's one
  // allowed stall, and the kill as a second (the job failed, the broadcast never resumed).
  lockDuration: 3000,
  stalledInterval: 1000,
  onPage: async (written) => {
    console.log(`page ${written}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  },
});
await worker.waitUntilReady();
console.log("ready");
