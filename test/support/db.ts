/** A Prisma client on the test database, and helpers to make rows no other test will touch. */
import { randomUUID } from "node:crypto";
import { createDb, type Db } from "../../src/store/prisma.ts";
import { TEST_DATABASE_URL } from "./env.ts";

export function testDb(): Db {
  return createDb(TEST_DATABASE_URL, { poolSize: 5 });
}

/** A short unique suffix for slugs, emails and external ids. */
export function uid(): string {
  return randomUUID().replaceAll("-", "").slice(0, 12);
}
