/**
 * Configuration: every environment variable the bot reads, parsed once by one zod schema.
 * This is the only module that touches `process.env`. A missing or malformed value is reported
 * as one line naming the variable and what it expects (ConfigError), never as a stack trace.
 */
import { existsSync } from "node:fs";
import { IANAZone } from "luxon";
import { z } from "zod";

/** Where a developer's machine (or `docker compose up -d`) has Postgres; trust auth ignores the password. */
export const DEV_DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:5432/engagement_bot";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const url = (what: string) =>
  z.string().refine((v) => {
    try {
      new URL(v);
      return true;
    } catch {
      return false;
    }
  }, `a URL (${what})`);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: optionalString.pipe(
      url("postgresql://user:password@host:5432/database")
        .refine((v) => /^postgres(ql)?:\/\//.test(v), "a postgresql:// URL")
        .optional(),
    ),
    REDIS_URL: url("redis://host:6379").default("redis://127.0.0.1:6379"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce
      .number({ error: "a port number from 0 to 65535" })
      .int("a whole port number")
      .min(0)
      .max(65535)
      .default(3000),
    PUBLIC_URL: optionalString.pipe(url("https://bot.example.org").optional()),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TZ_DEFAULT: z
      .string()
      .default("Europe/Brussels")
      .refine((v) => IANAZone.isValidZone(v), "an IANA time zone such as Europe/Brussels"),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ or - (at most 40)")
      .default("ceb"),
    RUN_WORKERS: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
    RECONCILE_INTERVAL_SECONDS: z.coerce
      .number({ error: "a number of seconds" })
      .int()
      .min(10)
      .max(86_400)
      .default(300),
    TELEGRAM_RATE_PER_SECOND: z.coerce.number({ error: "a number" }).int().min(1).max(1000).default(30),
    OUTBOUND_CONCURRENCY: z.coerce
      .number({ error: "a number of messages in flight per channel and process" })
      .int()
      .min(1)
      .max(100)
      .default(8),
    OUTBOUND_RETRY_MS: z.coerce
      .number({ error: "a number of milliseconds" })
      .int()
      .min(1)
      .max(60_000)
      .default(1000),
    TELEGRAM_CHAT_GAP_MS: z.coerce
      .number({ error: "a number of milliseconds" })
      .int()
      .min(0)
      .max(60_000)
      .default(1000),
    FLOWS_DIR: z.string().default("flows"),
    LOCALES_DIR: z.string().default("locales"),
    // Unset: on only for local use (no PUBLIC_URL); see docs/channels.md "Web chat".
    WEBCHAT_ENABLED: z
      .enum(["true", "false", "1", "0", ""])
      .optional()
      .transform((v) => (v === undefined || v === "" ? undefined : v === "true" || v === "1")),
    TELEGRAM_BOT_TOKEN: optionalString.pipe(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "a bot token from @BotFather, like 123456:ABC-DEF…")
        .optional(),
    ),
    TELEGRAM_API_ROOT: url("https://api.telegram.org").default("https://api.telegram.org"),
    TELEGRAM_MODE: z.enum(["webhook", "polling"]).default("polling"),
    TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters: letters, digits, _ or -")
        .optional(),
    ),
    TELEGRAM_BOT_USERNAME: optionalString,
    OIDC_ISSUER: optionalString.pipe(url("https://login.microsoftonline.com/<tenant>/v2.0").optional()),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
    TEAMS_OPENID_METADATA_URL: optionalString.pipe(
      url("https://login.botframework.com/v1/.well-known/openidconfiguration").optional(),
    ),
    TEAMS_TOKEN_ISSUER: optionalString,
    // The Teams card worker's fallback poll, for a card task whose NOTIFY was missed (docs/teams.md).
    TEAMS_CARD_POLL_SECONDS: z.coerce
      .number({ error: "a number of seconds" })
      .int()
      .min(1)
      .max(86_400)
      .default(30),
    TEAMS_LOGIN_URL: optionalString.pipe(
      url("https://login.microsoftonline.com/<tenant>")
        .refine((v) => v.startsWith("https://"), "an https URL (MSAL refuses http authorities)")
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidc > 0 && oidc < 3) {
      ctx.addIssue({
        code: "custom",
        path: [
          !env.OIDC_ISSUER ? "OIDC_ISSUER" : !env.OIDC_CLIENT_ID ? "OIDC_CLIENT_ID" : "OIDC_CLIENT_SECRET",
        ],
        message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three or none",
      });
    }
    if (env.NODE_ENV === "production" && !env.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "required in production" });
    }
    if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_MODE === "webhook" && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "required when TELEGRAM_MODE=webhook (16 to 256 characters: letters, digits, _ or -)",
      });
    }
    if (env.MICROSOFT_APP_ID) {
      const need = (name: "MICROSOFT_APP_PASSWORD" | "MICROSOFT_APP_TENANT_ID", why: string) => {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: why });
      };
      if (env.MICROSOFT_APP_TYPE === "UserAssignedMSI") {
        ctx.addIssue({
          code: "custom",
          path: ["MICROSOFT_APP_TYPE"],
          message: "UserAssignedMSI is not supported yet: use SingleTenant with a client secret",
        });
      }
      need("MICROSOFT_APP_PASSWORD", "required when MICROSOFT_APP_ID is set (the Azure Bot's client secret)");
      if (env.MICROSOFT_APP_TYPE === "SingleTenant") {
        need("MICROSOFT_APP_TENANT_ID", "required when MICROSOFT_APP_TYPE=SingleTenant");
      }
    }
  });

export type Env = z.output<typeof schema>;

/** The parsed configuration the rest of the code receives (never process.env). */
export interface Config extends Omit<Env, "DATABASE_URL" | "WEBCHAT_ENABLED"> {
  DATABASE_URL: string;
  /** WEBCHAT_ENABLED, or when unset: true without PUBLIC_URL (a local install), false with it. */
  WEBCHAT_ENABLED: boolean;
}

/** A configuration problem a person can fix; its message is the one line to print. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads `.env` from the working directory into process.env, if the file exists. Variables already
 * set in the environment win. Called by the entry points (npm start, the CLI), never by tests.
 */
export function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  Object.assign(process.env, before);
}

/** Parses an environment (process.env by default). Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join(".") || "environment";
    const got = typeof issue?.path[0] === "string" ? env[issue.path[0]] : undefined;
    const detail = (issue?.message ?? "invalid").replace(/^Invalid (input|option): /, "");
    const shown =
      got === undefined ||
      name.includes("TOKEN") ||
      name.includes("SECRET") ||
      name.includes("PASSWORD") ||
      name.includes("URL")
        ? ""
        : ` (got "${got}")`;
    throw new ConfigError(`Configuration error: ${name}: ${detail}${shown}. See .env.example.`);
  }
  return {
    ...result.data,
    DATABASE_URL: result.data.DATABASE_URL ?? DEV_DATABASE_URL,
    WEBCHAT_ENABLED: result.data.WEBCHAT_ENABLED ?? !result.data.PUBLIC_URL,
  };
}
