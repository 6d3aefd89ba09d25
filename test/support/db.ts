/** A Prisma client on this run's test database, and unique suffixes for rows no other test touches. */
import { randomUUID } from "node:crypto";
import { createDb, type Db } from "../../src/store/prisma.ts";
import { testDatabaseUrl } from "./env.ts";

export function testDb(): Db {
  return createDb(testDatabaseUrl(), { poolSize: 5 });
}

/** A short unique suffix for slugs, emails and external ids. */
export function uid(): string {
  return randomUUID().replaceAll("-", "").slice(0, 12);
}
