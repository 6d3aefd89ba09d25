/**
 * Where the tests find the machine's real Postgres and Redis. Each vitest run gets a database of
 * its own (made by global-setup.ts and handed over with provide/inject), so two runs on one
 * machine never see each other.
 */
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** A migrated copy of it that nobody connects to: the template of own-database.ts. */
    templateDatabase: string;
    /** A certificate for 127.0.0.1 that the test processes trust (test-certificate.ts). */
    tlsCertFile: string;
    tlsKeyFile: string;
    /** This run's id, part of every Redis key prefix its tests use (redis-keys.ts). */
    redisRunId: string;
  }
}

/** The server the test databases live on (trust auth here; any password is ignored). */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** This run's migrated database. Call it inside a test file (not in global setup). */
export function testDatabaseUrl(): string {
  return inject("databaseUrl");
}

/** This run's database with its connections named `name` (to find them in pg_stat_activity). */
export function namedTestDatabaseUrl(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.searchParams.set("application_name", name);
  return url.toString();
}
