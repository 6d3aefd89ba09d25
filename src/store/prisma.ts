/**
 * The Prisma client factory. The generated client (src/generated/prisma, from `npm run db:generate`)
 * runs without a native engine: queries go through @prisma/adapter-pg.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { type Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { createPgPool } from "./pg-pool.ts";

export type Db = PrismaClient;

export { Prisma } from "../generated/prisma/client.ts";

export interface DbOptions {
  poolSize?: number;
  /**
   * A pooled connection failed (the server went away, a backend was terminated). The query on it
   * fails on its own; this only reports it. Default: ignored, never an unhandled 'error' event.
   */
  onConnectionError?: (error: Error) => void;
}

/** Creates a client for `databaseUrl`. Close it with `$disconnect()`. */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const onError = options.onConnectionError ?? (() => undefined);
  // A connection that cannot be made within 5 s fails the query instead of waiting for good.
  const pool = createPgPool({ connectionString: databaseUrl, max: options.poolSize ?? 10 }, onError);
  const adapter = new PrismaPg(pool, {
    onPoolError: onError,
    onConnectionError: onError,
    disposeExternalPool: true,
  });
  return new PrismaClient({ adapter });
}

/**
 * What a query runs on: the Prisma client itself or the client of an interactive transaction
 * (`db.$transaction(async (tx) => …)`), so one function serves both.
 */
export type DbClient = Db | Prisma.TransactionClient;
