/**
 * Prisma CLI configuration. Prisma 6.19 carries its schema engine as WebAssembly and works
 * offline with `engine: "js"` and a driver adapter (see ../shared/DESIGN.md, "Prisma here").
 */
import { defineConfig } from "prisma/config";
import { migrationAdapter } from "./scripts/migration-pool.mjs";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return migrationAdapter(process.env.DATABASE_URL ?? "");
  },
});
