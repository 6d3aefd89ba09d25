/**
 * Prisma CLI configuration. Prisma 6.19 carries its schema engine as WebAssembly and works
 * offline with `engine: "js"` and a driver adapter (see ../shared/DESIGN.md, "Prisma here").
 */
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL, migrationAdapter } from "./scripts/migration-pool.mjs";

// The schema reads env("DATABASE_URL") even for `generate`; left unset, the CLI falls back to
// downloading a native engine, which fails offline. So there is always a value (the local default).
process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return migrationAdapter(process.env.DATABASE_URL ?? "");
  },
});
