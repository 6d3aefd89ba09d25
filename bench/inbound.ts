/**
 * Inbound benchmark: the whole bot (`src/main.ts`: webhook, conversation core, Postgres, Redis,
 * outbox) and a bare grammY echo bot (bench/inbound/echo-bot.ts), side by side in one run, each
 * in a child process, against the same fake Bot API (bench/inbound/fake-bot-api.ts, in this
 * process) and the same load generator (bench/inbound/load.ts: 200 Telegram users posting to the
 * webhook; an update is done when the webhook answered 200 and its first reply reached the fake).
 *
 *   npm run bench:inbound                       # 3 repeats
 *   BENCH_REPEATS=5 BENCH_SECONDS=10 npm run bench:inbound
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:inbound   # CPU profiles of both bots
 *   BENCH_SATURATED_ONLY=1 npm run bench:inbound     # throughput only (an A/B of a change)
 *
 * Prints, per repeat and bot: saturated updates/s (32 in flight) and the ratio to the echo bot,
 * bot-process CPU ms per update, Postgres CPU ms per update (the backends of the bench's database),
 * and p50/p95/p99 latency at 50 and 100 updates/s offered; once: SQL statements per update for
 * each kind of update (`/start`, language tap, consent, questionnaire offer and answer, free
 * text). It makes a database and a queue prefix of its own, removed at the end. Nothing in it
 * depends on the time of day: the programme has no quiet hours, and the turn has none.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";
import { createOrganisation } from "../src/domain/organisations/organisations.ts";
import { createProgramme } from "../src/domain/organisations/programmes.ts";
import { applyMigrations } from "../src/store/database-setup.ts";
import { createDb } from "../src/store/prisma.ts";
import { createRedis } from "../src/store/redis.ts";
import { startFakeBotApi } from "./inbound/fake-bot-api.ts";
import { Load, SESSION, type StepKind } from "./inbound/load.ts";
import type { ProbeStats } from "./inbound/probe.ts";
import { type BotProcess, cpuBetween, postgresCpu, startBot } from "./inbound/processes.ts";

/** This process's own event loop (the load generator and the fake Bot API): late, it delays what it measures. */
const benchLoop = monitorEventLoopDelay({ resolution: 10 });
benchLoop.enable();

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SATURATED_ONLY = process.env.BENCH_SATURATED_ONLY === "1";
const SERVER = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "bench-inbound-secret-0123456789";
const tag = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const database = `bench_inbound_${tag}`;
const prefix = `bench-${tag}`;
const databaseUrl = Object.assign(new URL(SERVER), { pathname: `/${database}` }).toString();

let current: Load | undefined;

async function seed(): Promise<void> {
  const db = createDb(databaseUrl);
  try {
    await createOrganisation(db, { slug: "bench", name: "Bench" });
    const programme = await createProgramme(db, {
      organisationSlug: "bench",
      slug: "bench",
      name: "Bench",
      isDefaultIntake: true,
    });
    await db.programme.update({ where: { id: programme.id }, data: { settings: { quietHours: null } } });
  } finally {
    await db.$disconnect();
  }
}

function botEnv(apiRoot: string, token: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WEBCHAT_ENABLED: "false",
    RECONCILE_INTERVAL_SECONDS: "3600",
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    // The turn is measured, not the platform's limits: the fake enforces none.
    TELEGRAM_RATE_PER_SECOND: "1000",
    TELEGRAM_CHAT_GAP_MS: "0",
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);

interface Saturated {
  perSecond: number;
  cpuMsPerUpdate: number;
  /** The kernel's part of cpuMsPerUpdate (system time). */
  systemMsPerUpdate: number;
  pgCpuMsPerUpdate: number;
}

async function saturate(bot: BotProcess, admin: pg.Client): Promise<Saturated> {
  const load = new Load(bot.port, SECRET);
  current = load;
  const before = await bot.stats();
  const pgBefore = await postgresCpu(admin, database);
  const { done, ms: elapsed } = await load.saturate(SECONDS * 1000);
  const after = await bot.stats();
  const pgUsed = cpuBetween(pgBefore, await postgresCpu(admin, database));
  load.close();
  if (load.timeouts || load.errors)
    console.log(`  (${bot.name}: ${load.timeouts} without a reply, ${load.errors} not 200)`);
  return {
    perSecond: (done * 1000) / elapsed,
    cpuMsPerUpdate: (after.cpuMicros - before.cpuMicros) / 1000 / done,
    systemMsPerUpdate: (after.systemMicros - before.systemMicros) / 1000 / done,
    pgCpuMsPerUpdate: pgUsed / done,
  };
}

/** Checkpoints the Postgres server has made (any database's DROP DATABASE forces one). */
async function checkpoints(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    "SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter",
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Samples the bench's database's backends every 100 ms until stopped: whether an autovacuum worker
 * is at work (it competes for the same two cores), and what the others wait for (a lock, I/O…),
 * so that a tail in the latency can be put where it is.
 */
function watchPostgres(admin: pg.Client): { stop(): Promise<{ vacuumSeconds: number; waits: string }> } {
  let vacuumSamples = 0;
  let samples = 0;
  const waits = new Map<string, number>();
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = admin
      .query<{ backend_type: string; wait: string | null }>(
        `SELECT backend_type, CASE WHEN state = 'active' AND wait_event IS NOT NULL
                THEN wait_event_type || ':' || wait_event END AS wait
           FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      )
      .then(({ rows }) => {
        samples++;
        if (rows.some((r) => r.backend_type === "autovacuum worker")) vacuumSamples++;
        for (const { wait } of rows) if (wait) waits.set(wait, (waits.get(wait) ?? 0) + 1);
      });
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      const top = [...waits].sort((a, b) => b[1] - a[1]).slice(0, 3);
      const per = (n: number) => (n / Math.max(1, samples)).toFixed(2);
      return {
        vacuumSeconds: vacuumSamples * 0.1,
        waits: top.map(([what, n]) => `${what} ${per(n)}`).join(", "),
      };
    },
  };
}

async function latency(bot: BotProcess, rate: number, admin: pg.Client): Promise<string> {
  const load = new Load(bot.port, SECRET);
  current = load;
  const before = await checkpoints(admin);
  await bot.stats(); // starts the event loop's reading afresh
  const watch = watchPostgres(admin);
  benchLoop.reset();
  const sorted = (await load.offer(rate, SECONDS * 1000)).sort((a, b) => a - b);
  load.close();
  const { vacuumSeconds, waits } = await watch.stop();
  const { loopLateP99Ms, loopLateMaxMs, waits: waited } = await bot.stats();
  const lost = load.timeouts ? `, ${load.timeouts} without a reply` : "";
  // A checkpoint's fsyncs hold up commits: an outlier in p99 with one is the server's, not the turn's.
  const made = (await checkpoints(admin)) - before;
  const notes = [
    made ? `${made} Postgres checkpoint${made > 1 ? "s" : ""}` : "",
    vacuumSeconds ? `autovacuum at work ~${vacuumSeconds.toFixed(1)} s` : "",
    waits ? `backends waiting, per sample: ${waits}` : "",
  ].filter(Boolean);
  const noted = notes.length ? ` (${notes.join(", ")} meanwhile)` : "";
  const late = `, event loop late p99 ${ms(loopLateP99Ms)} max ${ms(loopLateMaxMs)}${waitsOf(waited)}; the bench's own loop late max ${ms(benchLoop.max / 1e6)}`;
  return `p50 ${ms(percentile(sorted, 50))} / p95 ${ms(percentile(sorted, 95))} / p99 ${ms(percentile(sorted, 99))}${lost}${noted}${late}`;
}

/** The bot's waits in a phase (statements, pool connections, Redis): p99 and max of those it made. */
function waitsOf(waits: ProbeStats["waits"]): string {
  const made = Object.entries(waits).filter(([, w]) => w.count > 0);
  if (!made.length) return "";
  return `; waited for ${made.map(([what, w]) => `${what} p99 ${ms(w.p99)} max ${ms(w.max)}`).join(", ")}`;
}

/** Per update of each kind: SQL statements and the bot's CPU, 10 people walking the session one update at a time. */
async function perKind(bot: BotProcess): Promise<Map<StepKind, { statements: number; cpuMs: number }>> {
  const load = new Load(bot.port, SECRET, 1);
  current = load;
  const totals = new Map<StepKind, { statements: number; cpuMicros: number }[]>();
  // The bot's CPU at rest (its pollers), taken off each update's share.
  const rest = await bot.stats();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idlePerMs = ((await bot.stats()).cpuMicros - rest.cpuMicros) / 3000;
  let last = await bot.stats();
  let since = performance.now();
  for (let person = 0; person < 10; person++) {
    await load.walk(async (kind) => {
      // Let whatever the turn left to do afterwards (the outbox) finish: the count stops moving.
      let now = await bot.stats();
      for (let stable = 0; stable < 3; ) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        const next = await bot.stats();
        stable = next.statements === now.statements ? stable + 1 : 0;
        now = next;
      }
      const idle = idlePerMs * (performance.now() - since);
      const used = {
        statements: now.statements - last.statements,
        cpuMicros: now.cpuMicros - last.cpuMicros - idle,
      };
      totals.set(kind, [...(totals.get(kind) ?? []), used]);
      last = await bot.stats(); // the CPU of the waits above is not the next update's
      since = performance.now();
    });
  }
  load.close();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return new Map(
    [...totals].map(([kind, used]) => [
      kind,
      { statements: mean(used.map((u) => u.statements)), cpuMs: mean(used.map((u) => u.cpuMicros)) / 1000 },
    ]),
  );
}

async function main() {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const fake = await startFakeBotApi((chat, buttons) => current?.onSend(chat, buttons));
  const bots: BotProcess[] = [];
  try {
    await applyMigrations(databaseUrl);
    await seed();
    const env = botEnv(fake.apiRoot, fake.token);
    const full = await startBot("this bot", "src/main.ts", env);
    bots.push(full);
    const echo = await startBot("bare grammY", "bench/inbound/echo-bot.ts", env);
    bots.push(echo);
    console.log(`Warming up both bots (${SECONDS} s each)…`);
    for (const bot of bots) await saturate(bot, admin);

    const kinds = SATURATED_ONLY ? new Map() : await perKind(full);
    console.log("Per update, one at a time (this bot, mean of 10 people): SQL statements, bot CPU");
    for (const step of SATURATED_ONLY ? [] : SESSION) {
      const k = kinds.get(step.kind);
      console.log(`  ${step.kind.padEnd(8)} ${k?.statements.toFixed(1).padStart(5)}  ${ms(k?.cpuMs ?? 0)}`);
    }
    const counts = new Map([...kinds].map(([kind, k]) => [kind, k.statements]));
    const cpu = new Map([...kinds].map(([kind, k]) => [kind, Number(k.cpuMs.toFixed(2))]));

    const results: Record<string, Saturated[]> = { full: [], echo: [] };
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      const f = await saturate(full, admin);
      const e = await saturate(echo, admin);
      results.full?.push(f);
      results.echo?.push(e);
      console.log(`Repeat ${repeat}: saturated (32 in flight, ${SECONDS} s)`);
      for (const [name, r] of [
        ["this bot", f],
        ["bare grammY", e],
      ] as const) {
        console.log(
          `  ${name.padEnd(12)} ${r.perSecond.toFixed(0).padStart(6)} updates/s, bot CPU ${ms(r.cpuMsPerUpdate)}/update (kernel ${ms(r.systemMsPerUpdate)}), Postgres CPU ${ms(r.pgCpuMsPerUpdate)}/update`,
        );
      }
      console.log(
        `  ratio        ${(f.perSecond / e.perSecond).toFixed(3)} (throughput), ${(f.cpuMsPerUpdate / e.cpuMsPerUpdate).toFixed(1)}× the echo bot's CPU per update`,
      );
      for (const rate of SATURATED_ONLY ? [] : [50, 100]) {
        console.log(
          `  ${rate}/s offered: this bot ${await latency(full, rate, admin)}; bare grammY ${await latency(echo, rate, admin)}`,
        );
      }
    }
    console.log(`Machine: ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)} (1 min)`);
    console.log(
      `RESULT ${JSON.stringify({ statements: Object.fromEntries(counts), cpuMs: Object.fromEntries(cpu), ...results })}`,
    );
  } finally {
    for (const bot of bots) await bot.stop();
    await fake.close();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin.end();
    await removeQueueKeys();
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
