/**
 * Idle nudges' timers (issue 18): every turn re-plans the waiting run's nudges in Postgres, but a
 * timer already set stays where it is — it goes off at the earlier time, and the worker delays
 * the same job again to the row's `dueAt`. So an answer in a questionnaire makes no Redis call for
 * its nudges; a new run's timers are added, a sent one's set afresh, a finished run's removed.
 */
import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createLogger } from "../../src/logger.ts";
import type { NudgeJobData } from "../../src/scheduling/nudge-queue.ts";
import { createNudgeWorker, type NudgeHandler } from "../../src/scheduling/nudge-worker.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "../support/db.ts";
import { TEST_REDIS_URL } from "../support/env.ts";
import { onboardedOnTelegram } from "../support/onboarded-on-telegram.ts";
import type { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

/** When a delayed job goes off (ms), from its score in the delayed set (BullMQ: ms × 4096 + a counter). */
async function firesAt(queue: Queue<NudgeJobData>, jobId: string): Promise<number | undefined> {
  const score = await bed.app.redis.zscore(queue.keys.delayed as string, jobId);
  return score === null ? undefined : Math.floor(Number(score) / 4096);
}

/** A client in the self-assessment, waiting for its first question's answer. */
async function inQuestionnaire(): Promise<{ user: TelegramUser; runId: string }> {
  // Exact times (no quiet hours to round them to): each turn's plan is later than the last.
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    quietHours: false,
  });
  const { user } = await onboardedOnTelegram(bed, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
    locale: "ro",
    questionnaire: "now",
  });
  const run = await bed.app.db.flowRun.findFirstOrThrow({
    where: {
      flowId: "self_assessment",
      status: "active",
      conversation: { externalUserId: String(user.userId) },
    },
  });
  return { user, runId: run.id };
}

/** Every command Redis ran while `fn` ran that names `needle` (MONITOR on a connection of its own). */
async function commandsNaming(needle: string, fn: () => Promise<unknown>): Promise<string[]> {
  const monitor = await new Redis(TEST_REDIS_URL).monitor();
  const seen: string[] = [];
  monitor.on("monitor", (_time: string, args: string[]) => seen.push(args.join(" ")));
  try {
    await fn();
    // A marker sent after the turn: once MONITOR shows it, it has shown every command before it.
    const marker = `marker-${uid()}`;
    await bed.app.redis.exists(marker);
    await vi.waitFor(() => expect(seen.some((command) => command.includes(marker))).toBe(true));
  } finally {
    monitor.disconnect();
  }
  return seen.filter((command) => command.includes(needle));
}

test("an answer re-plans the idle nudges in Postgres only: their timers stay, and make no Redis call", async () => {
  const { user, runId } = await inQuestionnaire();
  const before = await bed.app.db.nudge.findMany({ where: { subjectId: runId }, orderBy: { jobId: "asc" } });
  expect(before.map((n) => n.status)).toEqual(["pending", "pending"]);
  for (const nudge of before)
    expect(await firesAt(bed.app.nudgeQueue, nudge.jobId)).toBe(nudge.dueAt.getTime());

  await new Promise((resolve) => setTimeout(resolve, 20)); // the new plan is later by at least this
  const commands = await commandsNaming(runId, () => user.tap("residence:eu_citizen"));
  expect(commands).toEqual([]);
  const after = await bed.app.db.nudge.findMany({ where: { subjectId: runId }, orderBy: { jobId: "asc" } });
  for (const [index, nudge] of after.entries()) {
    const earlier = before[index]?.dueAt.getTime() ?? 0;
    expect(nudge.status).toBe("pending");
    expect(nudge.dueAt.getTime()).toBeGreaterThan(earlier);
    expect(await firesAt(bed.app.nudgeQueue, nudge.jobId)).toBe(earlier); // goes off first, see below
  }
});

test("a timer that goes off before its nudge is due is delayed again to the row's time, nothing sent", async () => {
  const { user, runId } = await inQuestionnaire();
  const jobId = `idle:${runId}:1`;
  const dueAt = new Date(Date.now() + 3600_000);
  await bed.app.db.nudge.update({ where: { jobId }, data: { dueAt } });
  const job = await bed.app.nudgeQueue.getJob(jobId);
  await job?.promote(); // its old time has come
  const decided: string[] = [];
  const handler: NudgeHandler = {
    decide: async (_tx, nudge) => {
      decided.push(nudge.jobId);
      return { skip: "test" };
    },
  };
  const worker = createNudgeWorker({
    db: bed.app.db,
    connection: bed.app.redis.duplicate(),
    prefix: bed.app.config.QUEUE_PREFIX,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    handlers: { idle_flow: handler },
    logger: createLogger("silent"),
  });
  try {
    await vi.waitFor(
      async () => expect(await firesAt(bed.app.nudgeQueue, jobId)).toBe(dueAt.getTime()),
      10_000,
    );
  } finally {
    await worker.close();
  }
  const again = await bed.app.nudgeQueue.getJob(jobId);
  expect(await again?.getState()).toBe("delayed");
  expect(again?.attemptsMade).toBe(0); // delayed, not failed
  expect(decided).toEqual([]);
  expect((await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId } })).status).toBe("pending");
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { externalUserId: String(user.userId) },
  });
  expect(await bed.app.db.message.count({ where: { conversationId: conversation.id, kind: "nudge" } })).toBe(
    0,
  );
});

test("a sent nudge re-opened by an answer gets its timer afresh; a cancelled one loses its timer", async () => {
  const { user, runId } = await inQuestionnaire();
  const [first, second] = [`idle:${runId}:1`, `idle:${runId}:2`];
  // The first one fired: the worker marked it sent, and its job completed.
  await bed.app.db.nudge.update({ where: { jobId: first }, data: { status: "sent", firedAt: new Date() } });
  await (await bed.app.nudgeQueue.getJob(first))?.moveToCompleted("sent", "0", false).catch(() => undefined);
  await bed.app.nudgeQueue.remove(first);
  // The programme now nudges once: the second nudge is no longer wanted.
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { externalUserId: String(user.userId) },
    select: { client: { select: { cases: { select: { programmeId: true } } } } },
  });
  const programmeId = conversation.client?.cases[0]?.programmeId as string;
  await bed.app.db.programme.update({
    where: { id: programmeId },
    data: { settings: { quietHours: null, idleNudges: ["PT24H"] } },
  });
  expect(await firesAt(bed.app.nudgeQueue, second)).toBeDefined();

  await user.tap("residence:eu_citizen");
  const reopened = await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: first } });
  expect(reopened.status).toBe("pending");
  expect((await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: second } })).status).toBe("cancelled");
  await vi.waitFor(async () => {
    expect(await firesAt(bed.app.nudgeQueue, first)).toBe(reopened.dueAt.getTime());
    expect(await bed.app.nudgeQueue.getJob(second)).toBeUndefined();
  });
});
