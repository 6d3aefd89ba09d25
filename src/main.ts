/**
 * The composition root: `npm start`. Reads the configuration, makes the database ready (creates
 * it if it may, applies migrations), checks Redis, builds the app, listens, starts the channels.
 * Every start-up problem a person can fix is one line on stderr and a non-zero exit.
 */
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig, loadDotEnv } from "./config.ts";
import { FlowFileError } from "./flows/flow-registry.ts";
import { createLogger } from "./logger.ts";
import { installProcessGuards } from "./process-guards.ts";
import { applyMigrations, DatabaseUnreachableError, ensureDatabase } from "./store/database-setup.ts";
import { assertRedisReachable, RedisUnreachableError } from "./store/redis.ts";

const FIXABLE = [ConfigError, DatabaseUnreachableError, RedisUnreachableError, FlowFileError];

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: "engagement-bot" });
  let closeApp: (() => Promise<void>) | undefined;
  installProcessGuards({ logger, close: async () => closeApp?.() });
  await ensureDatabase(config.DATABASE_URL);
  await applyMigrations(config.DATABASE_URL);
  await assertRedisReachable(config.REDIS_URL);
  const app = await buildApp(config, logger);
  closeApp = () => app.close();
  const address = await app.http.listen({ host: config.HOST, port: config.PORT });
  await app.startChannels();
  if (config.RUN_WORKERS) await app.startWorkers();

  const base = config.PUBLIC_URL ?? address.replace("0.0.0.0", "127.0.0.1");
  logger.info({ address }, "listening");
  if (config.WEBCHAT_ENABLED) console.log(`Web chat: ${new URL("/chat", base)}`);
  console.log(
    config.TELEGRAM_BOT_TOKEN
      ? `Telegram: on (${config.TELEGRAM_MODE})`
      : "Telegram: off (set TELEGRAM_BOT_TOKEN to turn it on)",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await app.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (FIXABLE.some((type) => error instanceof type)) {
    console.error((error as Error).message);
  } else {
    console.error("The bot could not start:", error);
  }
  process.exit(1);
});
