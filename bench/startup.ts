/**
 * Start-up benchmark: how long `npm start` takes from the command to the first `GET /readyz` 200,
 * on an empty database once (migrations applied by the Prisma CLI) and then BENCH_RUNS times on
 * the migrated database (`_prisma_migrations` complete: the CLI is skipped). Telegram off,
 * workers on (the default), as a plain `npm start` runs.
 *
 *   npm run bench:startup            # 5 runs
 *   BENCH_RUNS=10 npm run bench:startup
 *
 * It makes a database of its own on the local server and a queue prefix of its own in Redis;
 * both are removed at the end. Goal: under 3 s to ready on a migrated database.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { createRedis } from "../src/store/redis.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SERVER = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const tag = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const databaseName = `bench_startup_${tag}`;
const prefix = `bench-${tag}`;
const databaseUrl = (() => {
  const url = new URL(SERVER);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

/** One `npm start`: milliseconds from the spawn to the first /readyz 200, then SIGTERM. */
async function startOnce(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      PORT: String(port),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  try {
    while (!(await ready(port))) {
      if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}) before it was ready`);
      if (performance.now() - started > 120_000) throw new Error("not ready after 120 s");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return performance.now() - started;
  } finally {
    if (exitCode === undefined && child.pid) process.kill(-child.pid, "SIGTERM");
    await exited;
  }
}

async function removeQueueKeys(): Promise<void> {
  const redis = createRedis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(databaseName)}`);
  try {
    const empty = await startOnce();
    console.log(`Empty database (migrations applied): ${seconds(empty)}`);
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await startOnce());
      console.log(`Migrated database, run ${i + 1}: ${seconds(runs.at(-1) ?? 0)}`);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    console.log(
      `Start to /readyz on a migrated database: median ${seconds(median)}, min ${seconds(sorted[0] ?? 0)}, max ${seconds(sorted.at(-1) ?? 0)} (${RUNS} runs)`,
    );
    console.log(`Machine: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)} (1 min)`);
    console.log(
      `RESULT ${JSON.stringify({ emptyMs: Math.round(empty), runsMs: runs.map(Math.round), medianMs: Math.round(median) })}`,
    );
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
    await removeQueueKeys();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
