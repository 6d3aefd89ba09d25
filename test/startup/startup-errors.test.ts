/** Start-up problems a person can fix are one clear line naming what is wrong and how to fix it. */
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { DatabaseUnreachableError, ensureDatabase } from "../../src/store/database-setup.ts";
import { assertRedisReachable, RedisUnreachableError } from "../../src/store/redis.ts";

describe("configuration", () => {
  test("defaults work with an empty environment", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  test.each([
    [{ PORT: "abc" }, /^Configuration error: PORT: a port number from 0 to 65535 \(got "abc"\)/],
    [{ TELEGRAM_MODE: "push" }, /^Configuration error: TELEGRAM_MODE: expected one of "webhook"\|"polling"/],
    [{ TZ_DEFAULT: "Mars/Olympus" }, /^Configuration error: TZ_DEFAULT: an IANA time zone/],
    [{ DATABASE_URL: "mysql://x/y" }, /^Configuration error: DATABASE_URL: a postgresql:\/\/ URL/],
    [{ NODE_ENV: "production" }, /^Configuration error: DATABASE_URL: required in production/],
    [
      { TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", TELEGRAM_MODE: "webhook" },
      /^Configuration error: TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook/,
    ],
    [
      { TELEGRAM_BOT_TOKEN: "not-a-token" },
      /^Configuration error: TELEGRAM_BOT_TOKEN: a bot token from @BotFather/,
    ],
  ])("%o is refused with one clear line", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test("secrets are never echoed back", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "secret-value" })).not.toThrow(/secret-value/);
  });
});

test("an unreachable Postgres is named, with how to start it", async () => {
  const error = await ensureDatabase("postgresql://postgres@127.0.0.1:1/engagement_bot").catch((e) => e);
  expect(error).toBeInstanceOf(DatabaseUnreachableError);
  expect(error.message).toMatch(
    /^Cannot reach Postgres at 127\.0\.0\.1:1\/engagement_bot .*docker compose up -d postgres/,
  );
});

test("an unreachable Redis is named, with how to start it", async () => {
  const error = await assertRedisReachable("redis://127.0.0.1:1", 1000).catch((e) => e);
  expect(error).toBeInstanceOf(RedisUnreachableError);
  expect(error.message).toMatch(/^Cannot reach Redis at 127\.0\.0\.1:1 .*docker compose up -d redis/);
});
