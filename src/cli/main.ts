/**
 * The counsellor command line: `npm run cli -- <command> [options]` (`npm run cli -- help`).
 * Thin on purpose: configuration, database and (for scheduling commands, on first use) Redis here,
 * everything else in run-cli.ts.
 */
import { ConfigError, loadConfig, loadDotEnv } from "../config.ts";
import { createDb } from "../store/prisma.ts";
import { EXIT_FAILED, runCli } from "./run-cli.ts";
import { lazySchedulingServices } from "./scheduling-services.ts";

/** Runs the command line of this process and returns its exit code. */
async function main(argv: string[]): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_FAILED;
  }
  const db = createDb(config.DATABASE_URL, { poolSize: 2 });
  const scheduling = lazySchedulingServices(config, db);
  try {
    return await runCli(argv, {
      db,
      config,
      scheduling: scheduling.get,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } finally {
    await scheduling.close();
    await db.$disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2));
