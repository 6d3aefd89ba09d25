/**
 * `npm run worker`: only the queue workers (outbound messages, nudges) and the reconciler, no HTTP
 * and no channel polling — for running them as separate processes when a programme outgrows one.
 * Run the web instances with RUN_WORKERS=false then.
 */
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig, loadDotEnv } from "./config.ts";
import { FlowFileError } from "./flows/flow-registry.ts";
import { createLogger } from "./logger.ts";
import { installProcessGuards } from "./process-guards.ts";
import { assertRedisReachable, RedisUnreachableError } from "./store/redis.ts";

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: "engagement-bot-worker" });
  let closeApp: (() => Promise<void>) | undefined;
  installProcessGuards({ logger, close: async () => closeApp?.() });
  await assertRedisReachable(config.REDIS_URL);
  const app = await buildApp(config, logger);
  closeApp = () => app.close();
  await app.startWorkers();
  logger.info("workers started");
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  const fixable = [ConfigError, RedisUnreachableError, FlowFileError].some((type) => error instanceof type);
  console.error(fixable ? (error as Error).message : error);
  process.exit(1);
});
