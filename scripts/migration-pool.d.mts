import type { PrismaPg } from "@prisma/adapter-pg";
/** Builds the driver adapter factory the Prisma CLI uses for migrations (see migration-pool.mjs). */
export function migrationAdapter(connectionString: string): PrismaPg;
export const DEFAULT_DATABASE_URL: string;
