/**
 * Preloaded into each bot process that bench/inbound.ts starts (`--import`): counts the SQL
 * statements the process sends (every `query` of node-postgres's Client, which Prisma's adapter,
 * the lock pool and the outbox's own pool all go through) and answers the bench over IPC with
 * `{ statements, cpu }` (process.cpuUsage, µs) when asked `{ type: "stats" }`.
 */
import { subscribe } from "node:diagnostics_channel";
import { appendFileSync } from "node:fs";
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from "node:perf_hooks";
import { Redis } from "ioredis";
import pg from "pg";

/** With BENCH_SQL_LOG=<file>, each statement's text is appended to that file too (one a line). */
const logFile = process.env.BENCH_SQL_LOG;

/**
 * How long the bot waited, from asking to the answer (µs): for a statement (its time queued on the
 * connection included), for a connection from a pool, for a Redis command, for the platform (an
 * HTTP request to the Bot API, to its response's end). And `webhook`: from a webhook request's
 * arrival in the bot's HTTP server to the end of its response. A tail in the latency whose turns
 * wait on one of these is that one's; a tail that `webhook` does not have is outside the bot.
 */
const waited = {
  statement: createHistogram(),
  poolConnect: createHistogram(),
  redis: createHistogram(),
  platform: createHistogram(),
  webhook: createHistogram(),
};

/** Times each HTTP exchange from `start` to `finish` of Node's diagnostics channels into `histogram`. */
function timeHttp(start: string, finish: string, histogram: RecordableHistogram) {
  const began = new WeakMap<object, number>();
  subscribe(start, (message) => began.set((message as { request: object }).request, performance.now()));
  subscribe(finish, (message) => {
    const request = (message as { request: object }).request;
    const at = began.get(request);
    if (at !== undefined) histogram.record(Math.max(1, Math.round((performance.now() - at) * 1000)));
  });
}
timeHttp("http.client.request.start", "http.client.response.finish", waited.platform);
timeHttp("http.server.request.start", "http.server.response.finish", waited.webhook);

/** Records into `histogram` when `result` (a promise, or anything) settles. */
function timed<T>(histogram: RecordableHistogram, started: number, result: T): T {
  const record = () => histogram.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
  const thenable = result as { then?: (ok: () => void, failed: () => void) => unknown } | undefined;
  if (typeof thenable?.then === "function") thenable.then(record, record);
  return result;
}

let statements = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  statements++;
  if (logFile) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === "string" ? first : (first?.text ?? "?");
    appendFileSync(logFile, `${text.replace(/\s+/g, " ").slice(0, 200)}\n`);
  }
  return timed(waited.statement, performance.now(), query.apply(this, args));
} as typeof pg.Client.prototype.query;

const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown;
pg.Pool.prototype.connect = function timedConnect(this: pg.Pool, ...args: unknown[]) {
  const started = performance.now();
  const callback = args[0];
  if (typeof callback !== "function") return timed(waited.poolConnect, started, connect.apply(this, args));
  return connect.call(this, (...result: unknown[]) => {
    waited.poolConnect.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
    return callback(...result);
  });
} as typeof pg.Pool.prototype.connect;

const BLOCKING = new Set([
  "bzpopmin",
  "bzpopmax",
  "brpoplpush",
  "blmove",
  "brpop",
  "blpop",
  "xread",
  "xreadgroup",
]);
const sendCommand = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
Redis.prototype.sendCommand = function timedCommand(this: Redis, ...args: unknown[]) {
  const command = args[0] as { name?: string; promise?: Promise<unknown> } | undefined;
  const started = performance.now();
  const result = sendCommand.apply(this, args);
  // A blocking command (BullMQ's BZPOPMIN for the next job) waits on purpose.
  if (command?.promise && !BLOCKING.has(command.name ?? "")) timed(waited.redis, started, command.promise);
  return result;
} as typeof Redis.prototype.sendCommand;

/** p99 and max of a histogram, ms. */
const tail = (h: RecordableHistogram) => ({
  p99: h.percentile(99) / 1000,
  max: h.max / 1000,
  count: h.count,
});

export interface ProbeStats {
  statements: number;
  cpuMicros: number;
  /** The kernel's share of cpuMicros: on loopback, a socket write also runs the receiver's TCP stack. */
  systemMicros: number;
  /** How late the event loop ran since the last reading: p99 and max, ms (a stall in the bot). */
  loopLateP99Ms: number;
  loopLateMaxMs: number;
  /** Since the last reading: p99 and max (ms) of each wait, and how many there were. */
  waits: Record<keyof typeof waited, { p99: number; max: number; count: number }>;
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
    waits: {
      statement: tail(waited.statement),
      poolConnect: tail(waited.poolConnect),
      redis: tail(waited.redis),
      platform: tail(waited.platform),
      webhook: tail(waited.webhook),
    },
  } satisfies ProbeStats & {
    type: string;
  });
  loop.reset();
  for (const h of Object.values(waited)) h.reset();
});
