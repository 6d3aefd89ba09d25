/**
 * What the case functions run on: the Prisma client itself, or the client of an interactive
 * transaction (`db.$transaction(async (tx) => linkClient(tx, …))`), so the conversation core can
 * link a client in the same transaction that records the consent.
 */
import type { Db, Prisma } from "../../store/prisma.ts";

/** The Prisma client or a transaction client. */
export type DbClient = Db | Prisma.TransactionClient;
