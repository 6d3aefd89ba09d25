import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Deadlines bound a failure only: generous, so a busy machine makes tests slow, not red.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One process per worker, reused from file to file: the app's modules (Prisma's client,
    // fastify, grammY, botbuilder) load once per worker instead of once per file, which was half
    // the suite's CPU. Safe while no test mocks a module or stubs a global and every file closes
    // what it opens (docs/operations.md, "Tests").
    isolate: false,
    // Most files wait (timers, fake platforms, Chromium) more than they compute: three at a time
    // keep two cores busy.
    maxWorkers: 3,
  },
});
