/**
 * Issue 12, defect 5: Redis killed and started again empty, in the middle of reminders. A Redis
 * and a database of the test's own, the real app and workers (reconciler at its default 5-minute
 * interval, so only the re-arm can bring timers back quickly), the fake Bot API. During the outage
 * /readyz and the webhook answer 503 at once; after it every timer and the digest scheduler are
 * back within 5 s, each reminder arrives exactly once, and the update refused during the outage
 * is processed once when Telegram delivers it again.
 */
import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppointmentDeps, createAppointment } from "../../src/domain/appointments/appointments.ts";
import { JOB_DIGEST_QUEUE, JOB_DIGEST_SCHEDULER } from "../../src/domain/vacancies/job-digest-schedule.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { privateTextUpdate } from "../support/fake-telegram.ts";
import { onboardedOnTelegram } from "../support/onboarded-on-telegram.ts";
import { outboundSettled } from "../support/outbound-settled.ts";
import { type OwnDatabase, ownDatabase } from "../support/own-database.ts";
import { type OwnRedis, ownRedis } from "../support/own-redis.ts";
import type { TelegramUser } from "../support/telegram-user.ts";
import { postUpdate } from "../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let redis: OwnRedis;
let database: OwnDatabase;
let bed: TestBedWithTelegram;
const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", collect);
  process.on("uncaughtException", collect);
  redis = await ownRedis();
  await redis.start();
  database = ownDatabase("redis_restart");
  await database.create();
  // Its own Redis and database: the workers with the reconciler, as in production.
  bed = await startTestBed({
    telegram: true,
    workers: { reconcile: true },
    env: { REDIS_URL: redis.url, DATABASE_URL: database.url, TELEGRAM_CHAT_GAP_MS: "100" },
  });
}, 120_000);
afterAll(async () => {
  await redis?.start().catch(() => undefined);
  await bed?.close();
  await redis?.kill();
  await database?.drop();
  process.off("unhandledRejection", collect);
  process.off("uncaughtException", collect);
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A client linked to a case of a programme without quiet hours. */
async function client(locale: string) {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    programme: "R@W",
    quietHours: false,
  });
  return onboardedOnTelegram(bed, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
    locale,
    questionnaire: "later",
  });
}

const reminderStart = (locale: string) =>
  bed.app.translator
    .t("appointments.reminder", locale, { purpose: "", when: "", where: "", map: "", with: "", bring: "" })
    .split("\n")[0]
    ?.slice(0, 6) ?? "";

const remindersTo = (user: TelegramUser, locale: string) =>
  user.all().filter((m) => m.text.startsWith(reminderStart(locale))).length;

test("Redis killed and restarted empty mid-reminders: 503 at once, timers re-armed within 5 s, each reminder once", async () => {
  const deps: AppointmentDeps = {
    db: bed.app.db,
    queue: bed.app.nudgeQueue,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    defaultTimeZone: "Europe/Brussels",
  };
  const clients = [await client("ro"), await client("en")];
  // Reminders 2 h before; the appointments 2 h and 6 s ahead: they fall due after the outage (on a
  // slow machine perhaps during it: then the re-armed timer fires at once, and the test still holds).
  const at = new Date(Date.now() + 2 * 3600_000 + 6_000).toISOString();
  const appointments = [];
  for (const { caseId } of clients) {
    appointments.push(
      await createAppointment(deps, { caseId, at, location: "Rue 1", withWhom: "Lena", purpose: "intake" }),
    );
  }
  const jobIds = (
    await bed.app.db.nudge.findMany({
      where: { status: "pending", kind: "appointment_reminder" },
      select: { jobId: true },
    })
  ).map((n) => n.jobId);
  expect(jobIds.length).toBe(2);
  for (const jobId of jobIds) expect(await bed.app.nudgeQueue.getJob(jobId)).toBeTruthy();

  await redis.kill();
  await until("readiness sees Redis down", async () => !bed.app.readiness.redis(), 10_000);
  const started = Date.now();
  const readyz = await bed.app.http.inject({ url: "/readyz" });
  expect(readyz.statusCode).toBe(503);
  expect(readyz.json()).toMatchObject({ redis: "unreachable" });
  const during = privateTextUpdate({
    userId: clients[0]?.user.userId ?? 0,
    text: "hello",
    messageId: 77_001,
  });
  const refused = await postUpdate(bed.app, during);
  expect(refused.statusCode).toBe(503);
  expect(Date.now() - started).toBeLessThan(3000);

  await new Promise((resolve) => setTimeout(resolve, 1000));
  await redis.start();
  const back = Date.now();
  // Every timer and the digest scheduler are back, well before the reconciler's next pass.
  await until(
    "timers re-armed",
    async () => {
      if (!bed.app.readiness.redis()) return false;
      for (const jobId of jobIds) if (!(await bed.app.nudgeQueue.getJob(jobId))) return false;
      return true;
    },
    5000,
  );
  const digests = new Queue(JOB_DIGEST_QUEUE, {
    connection: bed.app.redis,
    prefix: bed.app.config.QUEUE_PREFIX,
  });
  try {
    await until("digest scheduler back", async () => digests.getJobScheduler(JOB_DIGEST_SCHEDULER), 5000);
  } finally {
    await digests.close();
  }
  expect(Date.now() - back).toBeLessThan(5000);

  // Telegram delivers the refused update again: processed once.
  expect((await postUpdate(bed.app, during)).statusCode).toBe(200);
  expect((await postUpdate(bed.app, during)).statusCode).toBe(200);
  const stored = await bed.app.db.message.count({
    where: { idempotencyKey: `in:telegram:message:${clients[0]?.user.userId}:77001` },
  });
  expect(stored).toBe(1);

  // Each reminder arrives, once.
  const [ro, en] = clients;
  await until(
    "both reminders sent",
    async () => ro && en && remindersTo(ro.user, "ro") >= 1 && remindersTo(en.user, "en") >= 1,
    30_000,
  );
  await outboundSettled(bed.app.db, {
    externalConversationId: { in: clients.map((c) => String(c.user.userId)) },
  });
  expect([remindersTo(ro?.user as TelegramUser, "ro"), remindersTo(en?.user as TelegramUser, "en")]).toEqual([
    1, 1,
  ]);
  const nudges = await bed.app.db.nudge.findMany({
    where: { kind: "appointment_reminder", subjectId: { in: appointments.map((a) => a.id) } },
    select: { status: true },
  });
  expect(nudges.map((n) => n.status)).toEqual(["sent", "sent"]);
  expect(unhandled).toEqual([]);
  expect((await bed.app.http.inject({ url: "/readyz" })).statusCode).toBe(200);
}, 90_000);
