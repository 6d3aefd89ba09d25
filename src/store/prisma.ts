/**
 * The Prisma client factory. The generated client (src/generated/prisma, from `npm run db:generate`)
 * runs without a native engine: queries go through @prisma/adapter-pg.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

import type { Prisma } from "../generated/prisma/client.ts";

export { Prisma } from "../generated/prisma/client.ts";

/** Creates a client for `databaseUrl`. Close it with `$disconnect()`. */
export function createDb(databaseUrl: string, options: { poolSize?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

/**
 * What a query runs on: the Prisma client itself or the client of an interactive transaction
 * (`db.$transaction(async (tx) => …)`), so one function serves both.
 */
export type DbClient = Db | Prisma.TransactionClient;
