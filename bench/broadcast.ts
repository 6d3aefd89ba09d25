/**
 * Broadcast benchmark at Telegram's free rate: a broadcast to 3,000 recipients through
 * production's code (`src/main.ts`: HTTP, webhook, outbox, broadcast fan-out, Postgres, Redis)
 * sending to a fake Telegram Bot API (in a process of its own: bench/fake-telegram-server.ts) that
 * enforces 30 messages/s (sliding second, answering 429 above it) and 3 per chat in 3 s,
 * while 20 clients chat with the bot through its webhook. Prints the achieved rate as a fraction
 * of the limit (goal ≥ 0.95, no 429), duplicates and lost (goal 0), and the clients' reply latency
 * (webhook round trip, which ends after the turn's replies were sent; goal p99 < 1.5 s). The
 * broadcast's segment names its programme, whose quiet hours are off: any time of day works.
 *
 *   npm run bench:broadcast                   # 3,000 recipients, 20 chatting clients
 *   BENCH_RECIPIENTS=1000 BENCH_CHATTERS=0 npm run bench:broadcast
 *   bench/compare-outbox.sh                   # the same against the tuned outbox of aacbbbd
 *
 * It makes a database of its own on the local server (dropped at the end) and a queue prefix of
 * its own in Redis (removed at the end).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, setPriority } from "node:os";
import { Queue } from "bullmq";
import pg from "pg";
import { TELEGRAM_CHAT_BURST } from "../src/channels/telegram/sender.ts";
import { BROADCAST_QUEUE } from "../src/domain/broadcasts/broadcast-queue.ts";
import { createBroadcast } from "../src/domain/broadcasts/broadcasts.ts";
import { applyMigrations, ensureDatabase } from "../src/store/database-setup.ts";
import { createDb } from "../src/store/prisma.ts";
import { createRedis } from "../src/store/redis.ts";
import { lastMidday } from "../test/support/daytime.ts";
import type { FakeReply, FakeRequest, SendRecord } from "./fake-telegram-server.ts";

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 3000);
const CHATTERS = Number(process.env.BENCH_CHATTERS ?? 20);
const WORKERS = 1;
const LIMIT = 30;
const PORT = Number(process.env.BENCH_PORT ?? 3977);
const SECRET = "bench-secret-0123456789";
/** The fake server's CPU priority (nice); 0 to leave it as the workers'. */
const FAKE_NICE = Number(process.env.BENCH_FAKE_NICE ?? -10);
/**
 * The fake's real-time priority (SCHED_FIFO, `chrt`), 0 for none: on a busy machine even nice -10
 * leaves it waiting for a core for tens of ms, and the requests of that wait are stamped as
 * arriving together. Used when chrt may set it (root or CAP_SYS_NICE), else nice alone.
 */
const FAKE_RT = Number(process.env.BENCH_FAKE_RT ?? 10);
const rtAllowed = FAKE_RT > 0 && spawnSync("chrt", ["-f", String(FAKE_RT), "true"]).status === 0;
const SERVER = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const tag = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
const databaseUrl = (() => {
  const url = new URL(SERVER);
  url.pathname = `/bench_broadcast_${tag}`;
  return url.toString();
})();
const prefix = `bench-${tag}`;

const log = (line: string) => console.log(line);

async function seed(db: ReturnType<typeof createDb>) {
  const organisation = await db.organisation.create({ data: { slug: `bench-${tag}`, name: "Bench" } });
  const programme = await db.programme.create({
    data: {
      organisationId: organisation.id,
      slug: `bench-${tag}`,
      name: "Bench",
      settings: { quietHours: null },
    },
  });
  const counsellor = await db.counsellor.create({
    data: { organisationId: organisation.id, name: "Bench", email: `bench-${tag}@example.org` },
  });
  const locales = ["ro", "ar", "rom", "bg", "fr", "nl", "en"];
  const CHUNK = 5000;
  for (let start = 0; start < RECIPIENTS; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, RECIPIENTS - start) }, (_, k) => start + k);
    await db.client.createMany({
      data: ids.map((i) => ({ id: `cl${tag}${i}`, locale: locales[i % 7] ?? "en" })),
    });
    await db.case.createMany({
      data: ids.map((i) => ({
        id: `ca${tag}${i}`,
        clientId: `cl${tag}${i}`,
        programmeId: programme.id,
        counsellorId: counsellor.id,
        status: "preparation" as const,
      })),
    });
    await db.conversation.createMany({
      data: ids.map((i) => ({
        id: `co${tag}${i}`,
        channel: "telegram" as const,
        externalConversationId: String(1_000_000_000 + i),
        externalUserId: String(1_000_000_000 + i),
        clientId: `cl${tag}${i}`,
        locale: locales[i % 7] ?? "en",
      })),
    });
  }
  return { organisation, counsellor, programme };
}

/** CPU seconds (user + system) a process has used, from /proc; 0 once it has exited. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Peak resident memory of a process (VmHWM), in MB; 0 once it has exited. */
function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

interface Send {
  chat: string;
  at: number;
  errorCode: number;
  paid: 0 | 1;
}

interface Round {
  figures: {
    sent: number;
    sendSeconds: number;
    messagesPerSecond: number;
    fractionOfLimit: number;
    busiestSecond: number;
    afterFanOutMessagesPerSecond: number;
    afterFanOutFraction: number;
    responses429: number;
    paidBroadcastFlag: number;
    duplicates: number;
    lost: number;
    fanOutSeconds: number;
    firstMessageAfterMs: number;
  };
  lines: string[];
  /** When its first and last message were accepted (ms since the epoch). */
  window: { first: number; last: number };
}

/** The figures of one broadcast, from the fake's record of its sends (see bench/README.md). */
function analyse(
  label: string,
  created: number,
  finishedAt: number | undefined,
  sends: Send[],
  unsent: { _count: number; status: string; error: string | null }[],
): Round {
  const ok = sends.filter((c) => !c.errorCode);
  const tooMany = sends.filter((c) => c.errorCode === 429);
  const perChat = new Map<string, number>();
  for (const c of ok) perChat.set(c.chat, (perChat.get(c.chat) ?? 0) + 1);
  const first = ok[0]?.at ?? 0;
  const last = ok.at(-1)?.at ?? 0;
  const seconds = (last - first) / 1000;
  const rate = ok.length > 1 ? (ok.length - 1) / seconds : 0;
  // The busiest sliding second the fake server saw.
  let busiest = 0;
  for (let i = 0, j = 0; i < ok.length; i++) {
    while ((ok[j]?.at ?? 0) <= (ok[i]?.at ?? 0) - 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  // Successful sends in each second from the first one: where the rate dips.
  const perSecond: number[] = [];
  for (const c of ok) {
    const k = Math.floor((c.at - first) / 1000);
    perSecond[k] = (perSecond[k] ?? 0) + 1;
  }
  const firstSecond = Array.from({ length: 10 }, (_, k) =>
    ok.reduce((n, c) => n + (c.at - first >= k * 100 && c.at - first < (k + 1) * 100 ? 1 : 0), 0),
  );
  // After the fan-out has written every message: the outbound side alone.
  const fannedOut = finishedAt ?? last;
  const after = ok.filter((c) => c.at > fannedOut);
  const steadyRate =
    after.length > 1 ? (after.length - 1) / (((after.at(-1)?.at ?? 0) - (after[0]?.at ?? 0)) / 1000) : 0;
  const figures = {
    sent: ok.length,
    sendSeconds: Number(seconds.toFixed(2)),
    messagesPerSecond: Number(rate.toFixed(1)),
    fractionOfLimit: Number((rate / LIMIT).toFixed(3)),
    busiestSecond: busiest,
    afterFanOutMessagesPerSecond: Number(steadyRate.toFixed(1)),
    afterFanOutFraction: Number((steadyRate / LIMIT).toFixed(3)),
    responses429: tooMany.length,
    paidBroadcastFlag: ok.filter((c) => c.paid === 1).length,
    duplicates: [...perChat.values()].reduce((n, k) => n + (k > 1 ? k - 1 : 0), 0),
    lost: RECIPIENTS - perChat.size,
    fanOutSeconds: Number((((finishedAt ?? 0) - created) / 1000).toFixed(2)),
    firstMessageAfterMs: first - created,
  };
  const lines = [
    `— ${label[0]?.toUpperCase()}${label.slice(1)}`,
    `Sent                   ${figures.sent} of ${RECIPIENTS} in ${figures.sendSeconds} s`,
    `Achieved rate          ${figures.messagesPerSecond} messages/s = ${figures.fractionOfLimit} of ${LIMIT}/s`,
    `Busiest sliding second ${figures.busiestSecond} messages`,
    `After the fan-out      ${figures.afterFanOutMessagesPerSecond} messages/s = ${figures.afterFanOutFraction} of ${LIMIT}/s (${after.length} messages)`,
    `Each second            ${Array.from(perSecond, (n) => n ?? 0).join(" ")}`,
    `First second by 100 ms ${firstSecond.join(" ")}`,
    `429 from the fake      ${figures.responses429}`,
  ];
  // Where a 429 came from: the accepted sends of the second before the first one, by 50 ms. A
  // crowded first column is a burst (sends bunched by a pause, the sender's or the fake's own).
  const first429 = tooMany[0];
  if (first429) {
    const from = first429.at - 1000;
    const buckets = Array.from({ length: 20 }, (_, k) =>
      ok.reduce((n, c) => n + (c.at > from + k * 50 && c.at <= from + (k + 1) * 50 ? 1 : 0), 0),
    );
    lines.push(`  the second before the first, by 50 ms: ${buckets.join(" ")}`);
  }
  lines.push(`Duplicates             ${figures.duplicates}`, `Lost                   ${figures.lost}`);
  for (const row of unsent)
    lines.push(
      `  not sent: ${row._count} ${row.status} ${(row.error ?? "").split(":").slice(0, 2).join(":")}`,
    );
  lines.push(
    `Fan-out (all written)  ${figures.fanOutSeconds} s after the broadcast was created`,
    `First message after    ${figures.firstMessageAfterMs} ms`,
  );
  return { figures, lines, window: { first, last } };
}

/** The fake Bot API in its own process (bench/fake-telegram-server.ts), asked over IPC. */
async function startFake() {
  const command = [process.execPath, "--import", "tsx", "bench/fake-telegram-server.ts"];
  const [file, ...args] = rtAllowed ? ["chrt", "-f", String(FAKE_RT), ...command] : command;
  const child = spawn(file as string, args, {
    env: {
      ...process.env,
      FAKE_LIMITS: JSON.stringify({
        maxMessagesPerSecond: LIMIT,
        // Telegram's "about one a second per chat, short bursts allowed", as the outbox models it.
        maxPerChatPerSecond: TELEGRAM_CHAT_BURST,
        perChatWindowMs: TELEGRAM_CHAT_BURST * 1000,
        leanRecord: true,
      }),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<
    FakeReply["type"],
    { resolve: (reply: FakeReply) => void; reject: (e: Error) => void }
  >();
  child.on("message", (reply: FakeReply) => {
    waiting.get(reply.type)?.resolve(reply);
    waiting.delete(reply.type);
  });
  child.once("exit", (code) => {
    for (const { reject } of waiting.values()) reject(new Error(`the fake Telegram server exited (${code})`));
    waiting.clear();
  });
  const next = <T extends FakeReply["type"]>(type: T) =>
    new Promise<Extract<FakeReply, { type: T }>>((resolve, reject) => {
      waiting.set(type, { resolve: resolve as (reply: FakeReply) => void, reject });
    });
  const ask = <T extends "count" | "report">(type: T) => {
    const reply = next(type);
    child.send({ type } satisfies FakeRequest);
    return reply;
  };
  const ready = await next("ready");
  // Telegram does not share a CPU with the bot: see fake-telegram-server.ts. Raising a priority
  // needs root (or CAP_SYS_NICE); without it the fake runs at the workers' priority.
  let nice = 0;
  try {
    if (FAKE_NICE && child.pid) setPriority(child.pid, FAKE_NICE);
    nice = FAKE_NICE;
  } catch {
    nice = 0;
  }
  return {
    ...ready,
    pid: child.pid,
    nice,
    start: () => child.send({ type: "start" } satisfies FakeRequest),
    sentCount: async () => (await ask("count")).sent,
    report: () => ask("report"),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" } satisfies FakeRequest);
      await exited;
    },
  };
}

/**
 * Which of the fake's limits each 429 met, from its record: `bot` (30 accepted in the second
 * before), `chat` (the chat's burst in its window), or `other` (neither: an injected failure).
 */
function why429(sends: Send[]) {
  const ok = sends.filter((c) => !c.errorCode);
  const counts = { bot: 0, chat: 0, other: 0 };
  for (const c of sends.filter((s) => s.errorCode === 429)) {
    const before = (ms: number, chat?: string) =>
      ok.filter((o) => o.at > c.at - ms && o.at <= c.at && (!chat || o.chat === chat)).length;
    if (before(1000) >= LIMIT) counts.bot++;
    else if (before(TELEGRAM_CHAT_BURST * 1000, c.chat) >= TELEGRAM_CHAT_BURST) counts.chat++;
    else counts.other++;
  }
  return counts;
}

/** The `q` quantile of `values` (ms), 0 for none. */
function percentile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
}

let updateId = 1;

/** `n` clients, each sending "/help" to the webhook every 2 s; `stop` returns each turn's round trip (ms). */
function chatWhile(n: number) {
  const chatIds = Array.from({ length: n }, (_, i) => String(9_000_000_000 + i));
  const latencies: number[] = [];
  let running = true;
  const chat = async (chatId: string, k: number) => {
    await new Promise((resolve) => setTimeout(resolve, (k * 2000) / Math.max(1, n)));
    while (running) {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${PORT}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify({
          update_id: updateId++,
          message: {
            message_id: updateId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(chatId), type: "private" },
            from: { id: Number(chatId), is_bot: false, first_name: "Bench", language_code: "ro" },
            text: "/help",
          },
        }),
      }).catch(() => undefined);
      if (response?.ok) latencies.push(Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2000 - (Date.now() - started))));
    }
  };
  const all = chatIds.map((id, k) => chat(id, k));
  return {
    chatIds,
    async stop() {
      running = false;
      await Promise.all(all);
      return latencies;
    },
  };
}

async function main() {
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  const redis = createRedis(REDIS_URL);
  const telegram = await startFake();
  const workers: ChildProcess[] = [];
  try {
    const seedStarted = Date.now();
    const { organisation, counsellor, programme } = await seed(db);
    log(
      `Seeded ${RECIPIENTS} clients, cases and conversations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    for (let i = 0; i < WORKERS; i++) {
      const profile = process.env.BENCH_CPU_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [];
      const child = spawn(process.execPath, [...profile, "--import", "tsx", "src/main.ts"], {
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: databaseUrl,
          REDIS_URL,
          QUEUE_PREFIX: prefix,
          LOG_LEVEL: "info",
          TELEGRAM_BOT_TOKEN: telegram.token,
          TELEGRAM_API_ROOT: telegram.apiRoot,
          TELEGRAM_MODE: "webhook",
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          PORT: String(PORT),
          HOST: "127.0.0.1",
          WEBCHAT_ENABLED: "false",
          RECONCILE_INTERVAL_SECONDS: "3600",
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      workers.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on("data", (d) => String(d).includes("listening") && resolve());
        child.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
      });
    }
    log(`Started the bot (src/main.ts: webhook, outbox senders, broadcast worker) at ${LIMIT}/s`);
    log(
      `Fake Bot API           own process, CPU priority nice ${telegram.nice}${rtAllowed ? `, real-time (SCHED_FIFO ${FAKE_RT})` : ""}`,
    );

    const queue = new Queue(BROADCAST_QUEUE, { connection: redis, prefix });
    const cpuBefore = { fake: cpuSeconds(telegram.pid), workers: workers.map((w) => cpuSeconds(w.pid)) };
    const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
    let redisPeak = 0;
    let workerPeak = 0;
    /** One broadcast to everyone; resolves once `expected` of its messages are sent. */
    const broadcastToAll = async (expected: number) => {
      const created = Date.now();
      const { broadcast } = await createBroadcast(
        { db, queue, defaultTimeZone: "Europe/Brussels", now: lastMidday },
        {
          organisationSlug: organisation.slug,
          counsellorEmail: counsellor.email,
          // Its programme has no quiet hours: the broadcast goes now, whatever the time of day.
          segment: { programme: [programme.slug] },
          kind: "job_update",
          texts: {
            ro: "Locuri noi la curățenie, Anderlecht.",
            ar: "وظائف تنظيف جديدة في أندرلخت.",
            fr: "Nouveaux postes.",
          },
          fallbacks: { "*": "fr" },
        },
      );
      let lastSent = 0;
      let stalledSince = Date.now();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        // The broadcast's own messages only: the chatters' replies share the fake but not the count.
        const sent = await db.message.count({ where: { broadcastId: broadcast.id, status: "sent" } });
        redisPeak = Math.max(
          redisPeak,
          Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0),
        );
        workerPeak = Math.max(workerPeak, ...workers.map((w) => peakRssMb(w.pid)));
        if (sent !== lastSent) stalledSince = Date.now();
        lastSent = sent;
        if (sent >= expected) break;
        if (Date.now() - stalledSince > 20_000) {
          log(`No progress for 20 s at ${sent} sent: stopping.`);
          break;
        }
      }
      // A little longer, to catch a late duplicate.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { id: broadcast.id, created };
    };
    telegram.start();
    const chatting = chatWhile(CHATTERS);
    const warm = await broadcastToAll(RECIPIENTS);
    const latencies = await chatting.stop();
    const cpu = {
      fake: cpuSeconds(telegram.pid) - cpuBefore.fake,
      workers: workers.map((w, i) => cpuSeconds(w.pid) - (cpuBefore.workers[i] ?? 0)),
    };
    const report = await telegram.report();
    const allSends = report.sends.map(([chat, at, errorCode, paid]: SendRecord) => ({
      chat,
      at,
      errorCode,
      paid,
    }));
    const rounds = [];
    const chatIds = new Set(chatting.chatIds);
    for (const [label, round, until] of [["broadcast", warm, Number.POSITIVE_INFINITY]] as const) {
      const finished = await db.broadcast.findUniqueOrThrow({ where: { id: round.id } });
      // What became of the messages that did not arrive (none, when nothing is lost).
      const unsent = await db.message.groupBy({
        by: ["status", "error"],
        where: { broadcastId: round.id, status: { not: "sent" } },
        _count: true,
      });
      const sends = allSends.filter((c) => c.at >= round.created && c.at < until && !chatIds.has(c.chat));
      rounds.push(analyse(label, round.created, finished.finishedAt?.getTime(), sends, unsent));
    }
    const [only] = rounds as [Round];
    const replies429 = allSends.filter((c) => chatIds.has(c.chat) && c.errorCode === 429).length;
    const limits429 = why429(allSends);
    // Every accepted send of the bot (broadcast and replies) while the broadcast went: the replies
    // share the bot's limit, so this is the rate to hold against it.
    const windowFrom = only.window.first;
    const windowTo = only.window.last;
    const inWindow = allSends.filter((c) => !c.errorCode && c.at >= windowFrom && c.at <= windowTo);
    const allSendsRate = windowTo > windowFrom ? (inWindow.length - 1) / ((windowTo - windowFrom) / 1000) : 0;
    const summary = {
      outbox: process.env.BENCH_LABEL ?? "this checkout",
      recipients: RECIPIENTS,
      ...only.figures,
      chatters: CHATTERS,
      replyTurns: latencies.length,
      replyP50Ms: percentile(latencies, 0.5),
      replyP99Ms: percentile(latencies, 0.99),
      replyMaxMs: percentile(latencies, 1),
      replies429,
      limits429,
      allSendsPerSecond: Number(allSendsRate.toFixed(1)),
      allSendsFractionOfLimit: Number((allSendsRate / LIMIT).toFixed(3)),
      workerPeakRssMb: Number(workerPeak.toFixed(0)),
      fakePeakRssMb: Number(peakRssMb(telegram.pid).toFixed(0)),
      redisPeakDeltaMb: Number(((redisPeak - memoryBefore) / 1048576).toFixed(1)),
      cpuSecondsFake: Number(cpu.fake.toFixed(1)),
      fakeNice: telegram.nice,
      fakeRealTime: rtAllowed ? FAKE_RT : 0,
      fakeLongestPauseMs: report.pauses.longestMs,
      fakePauseP99Ms: report.pauses.p99Ms,
      cpuSecondsWorkers: cpu.workers.map((c) => Number(c.toFixed(1))),
      cores: cpus().length,
      load1: Number(loadavg()[0]?.toFixed(2)),
    };
    for (const round of rounds) {
      log("");
      for (const line of round.lines) log(line);
    }
    log("");
    log(
      `Peak memory            worker ${summary.workerPeakRssMb} MB RSS (largest of ${WORKERS}), fake server ${summary.fakePeakRssMb} MB, Redis +${summary.redisPeakDeltaMb} MB`,
    );
    log(
      `CPU used               fake server ${summary.cpuSecondsFake} s, workers ${summary.cpuSecondsWorkers.join(" + ")} s (both broadcasts)`,
    );
    log(
      `Fake server's pauses   longest ${summary.fakeLongestPauseMs} ms, 99th percentile ${summary.fakePauseP99Ms} ms (event loop delay; nice ${summary.fakeNice})`,
    );
    log(
      `Chatting clients       ${CHATTERS}, ${summary.replyTurns} turns: reply latency p50 ${summary.replyP50Ms} ms, p99 ${summary.replyP99Ms} ms, max ${summary.replyMaxMs} ms; 429 on replies ${replies429}`,
    );
    log(
      `429 by limit met       bot ${limits429.bot}, chat ${limits429.chat}, neither ${limits429.other} (all sends)`,
    );
    log(
      `All bot sends          ${summary.allSendsPerSecond} messages/s = ${summary.allSendsFractionOfLimit} of ${LIMIT}/s (broadcast and replies, while the broadcast went)`,
    );
    log(`Machine                ${summary.cores} cores, load ${summary.load1}`);
    log(`RESULT ${JSON.stringify(summary)}`);
    const good =
      rounds.every(
        (r) => r.figures.duplicates === 0 && r.figures.lost === 0 && r.figures.responses429 === 0,
      ) && replies429 === 0;
    process.exitCode = good ? 0 : 1;
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  } finally {
    for (const child of workers) child.kill("SIGTERM");
    await Promise.all(
      workers.map(
        (w) => new Promise((resolve) => (w.exitCode !== null ? resolve(0) : w.once("exit", resolve))),
      ),
    );
    const leftover = await redis.keys(`${prefix}:*`);
    if (leftover.length) await redis.del(...leftover);
    await telegram.close();
    await db.$disconnect();
    redis.disconnect();
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "bench_broadcast_${tag}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
