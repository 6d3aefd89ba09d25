/**
 * Preloaded into each bot process that bench/inbound.ts starts (`--import`): counts the SQL
 * statements the process sends (every `query` of node-postgres's Client, which Prisma's adapter,
 * the lock pool and the outbox's own pool all go through) and answers the bench over IPC with
 * `{ statements, cpu }` (process.cpuUsage, µs) when asked `{ type: "stats" }`.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";

/** With BENCH_SQL_LOG=<file>, each statement's text is appended to that file too (one a line). */
const logFile = process.env.BENCH_SQL_LOG;

let statements = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  statements++;
  if (logFile) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === "string" ? first : (first?.text ?? "?");
    appendFileSync(logFile, `${text.replace(/\s+/g, " ").slice(0, 200)}\n`);
  }
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

export interface ProbeStats {
  statements: number;
  cpuMicros: number;
  /** The kernel's share of cpuMicros: on loopback, a socket write also runs the receiver's TCP stack. */
  systemMicros: number;
  /** How late the event loop ran since the last reading: p99 and max, ms (a stall in the bot). */
  loopLateP99Ms: number;
  loopLateMaxMs: number;
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

process.on("message", (message: { type?: string }) => {
  if (message?.type !== "stats") return;
  const cpu = process.cpuUsage();
  process.send?.({
    type: "stats",
    statements,
    cpuMicros: cpu.user + cpu.system,
    systemMicros: cpu.system,
    loopLateP99Ms: loop.percentile(99) / 1e6,
    loopLateMaxMs: loop.max / 1e6,
  } satisfies ProbeStats & {
    type: string;
  });
  loop.reset();
});
