/**
 * Runs once before the suite: a fresh database for this run, with every migration applied, and
 * dropped again afterwards. Databases left behind by runs that were killed are dropped too.
 * Tests share the run's database and keep out of each other's way by creating their own rows
 * (unique ids), never by truncating.
 *
 * It also makes the run's id that every Redis key prefix of its tests carries (redis-keys.ts), and
 * the teardown fails the run if keys with that id are left: other runs' keys are never looked at.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../src/store/database-setup.ts";
import { createRedis } from "../../src/store/redis.ts";
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from "./env.ts";
import { assertNoLeakedKeys, runKeyPattern, scanKeys } from "./run-keys.ts";
import { makeTestCertificate } from "./test-certificate.ts";

const PREFIX = "engagement_bot_test_";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `${PREFIX}${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(async (client) => {
    const stale = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${PREFIX}%`],
    );
    for (const { datname } of stale.rows) {
      const pid = Number(datname.slice(PREFIX.length).split("_")[0]);
      if (!isAlive(pid))
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  // A copy nobody connects to, for test files that need a database of their own (own-database.ts):
  // CREATE DATABASE … TEMPLATE takes well under a second where the Prisma CLI takes several.
  const template = `${name}_template`;
  await withAdmin((client) =>
    client.query(`CREATE DATABASE ${pg.escapeIdentifier(template)} TEMPLATE ${pg.escapeIdentifier(name)}`),
  );
  project.provide("databaseUrl", url.toString());
  project.provide("templateDatabase", template);
  const redisRunId = randomBytes(4).toString("hex");
  project.provide("redisRunId", redisRunId);
  // Test processes are forked after this and inherit the variable (see test-certificate.ts).
  const certificate = makeTestCertificate(process.env.NODE_EXTRA_CA_CERTS);
  process.env.NODE_EXTRA_CA_CERTS = certificate.bundleFile;
  project.provide("tlsCertFile", certificate.certFile);
  project.provide("tlsKeyFile", certificate.keyFile);
  return async () => {
    certificate.remove();
    await withAdmin(async (client) => {
      for (const db of [template, name])
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`);
    });
    await checkRunKeys(redisRunId);
  };
}

/** Fails when the run left Redis keys behind; removes them after saying so (they are this run's). */
async function checkRunKeys(runId: string): Promise<void> {
  const redis = createRedis(TEST_REDIS_URL);
  try {
    await assertNoLeakedKeys(redis, runId);
  } catch (error) {
    // vitest reports a teardown error but exits 0 for it: the exit code must say it too.
    process.exitCode = 1;
    throw error;
  } finally {
    const keys = await scanKeys(redis, runKeyPattern(runId));
    if (keys.length) await redis.unlink(...keys);
    redis.disconnect();
  }
}
