/**
 * Postgres is the truth, Redis holds the timers: empty Redis while nudges are pending (every key
 * of the app's prefix deleted: what the app sees after a FLUSHDB, without touching other runs'
 * keys), reconcile, and every nudge still fires exactly once. The reconciler reads every pending
 * nudge, so this test has a database of its own (other test files' nudges are not its business).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createAppointment } from "../../src/domain/appointments/appointments.ts";
import { createLogger } from "../../src/logger.ts";
import { reconcileNudges } from "../../src/scheduling/reconciler.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { onboardedOnTelegram } from "../support/onboarded-on-telegram.ts";
import { outboundSettled } from "../support/outbound-settled.ts";
import { ownDatabase } from "../support/own-database.ts";
import { removeKeys } from "../support/redis-keys.ts";
import type { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;

const database = ownDatabase("reconcile");

beforeAll(async () => {
  await database.create();
  // No workers yet: the test starts them once the timers are rebuilt.
  bed = await startTestBed({ telegram: true, env: { DATABASE_URL: database.url } });
}, 120_000);
afterAll(async () => {
  await bed?.close();
  await database.drop();
});

test("after Redis lost every timer, the reconciler rebuilds them and each reminder fires once", async () => {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    organisation: "JobRoad",
    programme: "Refugees2work",
    counsellor: "Samir",
    locale: "nl",
    quietHours: false,
  });
  const users: TelegramUser[] = [];
  const appointments = [];
  for (let i = 0; i < 3; i++) {
    const { user, caseId } = await onboardedOnTelegram(bed, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
      locale: "en",
      questionnaire: "later",
    });
    users.push(user);
    const deps = {
      db: bed.app.db,
      queue: bed.app.nudgeQueue,
      translator: bed.app.translator,
      outbox: bed.app.outbox,
      defaultTimeZone: "Europe/Brussels",
    };
    appointments.push(
      await createAppointment(deps, {
        caseId,
        at: new Date(Date.now() + 2 * 3600_000 + 120_000).toISOString(),
        location: "Fedasil, Rue de Trèves 1",
        withWhom: "Samir",
        purpose: "intake",
      }),
    );
  }
  expect(await bed.app.nudgeQueue.getDelayedCount()).toBe(3);

  await removeKeys(bed.app.config.QUEUE_PREFIX);
  expect(await bed.app.nudgeQueue.getDelayedCount()).toBe(0);
  // Time passes while Redis is down: the reminders are now due in a few seconds.
  await bed.app.db.nudge.updateMany({
    where: { subjectId: { in: appointments.map((a) => a.id) } },
    data: { dueAt: new Date(Date.now() + 3000) },
  });

  const result = await reconcileNudges(bed.app.db, bed.app.nudgeQueue, createLogger("silent"));
  expect(result).toEqual({ added: 3, removed: 0 });
  // The notices of the three new appointments lost nothing: the outbox's queue is their rows.
  expect(
    await bed.app.db.message.count({
      where: {
        conversation: { externalConversationId: { in: users.map((u) => String(u.userId)) } },
        status: "queued",
      },
    }),
  ).toBe(3);
  await bed.app.startWorkers();

  const reminders = (calls: typeof bed.telegram.calls, user: TelegramUser) =>
    calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.payload.chat_id) === String(user.userId) &&
        String(c.payload.text).startsWith("⏰"),
    );
  await bed.telegram.waitFor((calls) => users.every((u) => reminders(calls, u).length >= 1), 20_000);
  // A second reconcile after they fired adds nothing (sent nudges are not pending).
  expect(await reconcileNudges(bed.app.db, bed.app.nudgeQueue, createLogger("silent"))).toEqual({
    added: 0,
    removed: 0,
  });
  // Counted once nothing is left to send them: no fixed pause for a second copy to show.
  await outboundSettled(bed.app.db, { externalConversationId: { in: users.map((u) => String(u.userId)) } });
  for (const user of users) {
    expect(reminders(bed.telegram.calls, user)).toHaveLength(1);
    const notices = bed.telegram.calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.payload.chat_id) === String(user.userId) &&
        String(c.payload.text).startsWith("📅"),
    );
    expect(notices).toHaveLength(1);
  }
  for (const appointment of appointments) {
    const nudges = await bed.app.db.nudge.findMany({ where: { subjectId: appointment.id } });
    expect(nudges.map((n) => n.status)).toEqual(["sent"]);
  }
});

test("a timer whose nudge was cancelled in Postgres is removed from Redis", async () => {
  await bed.app.nudgeQueue.add(
    "nudge",
    { jobId: "reminder:gone:PT2H" },
    { jobId: "reminder:gone:PT2H", delay: 3_600_000 },
  );
  const result = await reconcileNudges(bed.app.db, bed.app.nudgeQueue, createLogger("silent"));
  expect(result.removed).toBe(1);
  expect(await bed.app.nudgeQueue.getJob("reminder:gone:PT2H")).toBeUndefined();
});
