/**
 * The processes bench/inbound.ts measures: a bot in a child process with bench/inbound/probe.ts
 * preloaded (SQL statements and CPU over IPC), and the Postgres backends serving the bench's
 * database (their CPU read from /proc, as pg_stat_statements is not loaded on a shared server).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type pg from "pg";
import type { ProbeStats } from "./probe.ts";

export interface BotProcess {
  name: string;
  port: number;
  stats(): Promise<ProbeStats>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited (${child.exitCode}) before it was ready`);
    if (Date.now() - started > 60_000) throw new Error("bot not ready after 60 s");
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `script` (a .ts file) in a child process on a free port with `env`. */
export async function startBot(
  name: string,
  script: string,
  env: Record<string, string>,
): Promise<BotProcess> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, "--import", "tsx", "--import", "./bench/inbound/probe.ts", script],
    { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "inherit", "ipc"] },
  );
  await waitReady(port, child);
  return {
    name,
    port,
    stats: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as ProbeStats));
        child.send({ type: "stats" });
      }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // the backend has gone (or /proc is not there)
  }
}

/** CPU ms used so far by the Postgres backends connected to `database` (by pid, from /proc). */
export async function postgresCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [database],
  );
  return new Map(rows.map(({ pid }) => [pid, cpuMsOf(pid)]));
}

/** CPU ms the backends used between two readings (backends new since `before` count from 0). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
