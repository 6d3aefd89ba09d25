/**
 * Retention check-ins after a placement, and idle-flow nudges, end to end. Check-in nudges are
 * fired with `fireNudge` at their due time (the worker's own function, with the clock passed in);
 * idle nudges really fire, from a programme whose idle delays are seconds.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import { checkInHandler } from "../../src/domain/placements/checkins.ts";
import { recordPlacement, retention } from "../../src/domain/placements/placements.ts";
import { createLogger } from "../../src/logger.ts";
import { fireNudge, type NudgeWorkerDeps } from "../../src/scheduling/nudge-worker.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
let workerDeps: NudgeWorkerDeps;

beforeAll(async () => {
  // Other test files share the database: `workers: true` leaves their nudges to their own reconciler.
  bed = await startTestBed({ telegram: true, workers: true });
  workerDeps = {
    db: bed.app.db,
    connection: bed.app.redis,
    prefix: bed.app.config.QUEUE_PREFIX,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    handlers: { checkin: checkInHandler() },
    logger: createLogger("silent"),
  };
});
afterAll(() => bed?.close());

const t = (key: string, locale: string, params?: Record<string, string>) =>
  bed.app.translator.t(key, locale, params);

async function placedClient(locale: string, settings: object = { quietHours: null }) {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    organisation: "Stebo",
    programme: "Future2work",
    counsellor: "Jan",
    locale: "nl",
  });
  await bed.app.db.programme.update({ where: { id: programme.id }, data: { settings } });
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:later");
  return { user, caseId: created.id, programmeSlug: programme.slug };
}

const today = () => new Date().toISOString().slice(0, 10);

async function fire(placementId: string, point: string) {
  const checkIn = await bed.app.db.checkIn.findUniqueOrThrow({
    where: { placementId_point: { placementId, point } },
  });
  return fireNudge(
    { ...workerDeps, now: () => new Date(checkIn.dueAt.getTime() + 1000) },
    `checkin:${placementId}:${point}`,
  );
}

async function waitForCheckIn(user: TelegramUser, count: number, employer: string) {
  return bed.telegram.waitFor((calls) => {
    const found = calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.payload.chat_id) === String(user.userId) &&
        Array.isArray(
          (c.payload.reply_markup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard,
        ) &&
        String(c.payload.text).includes(employer),
    );
    return found.length >= count ? found : undefined;
  }, 10_000);
}

describe("check-ins", () => {
  test("a placement plans five check-ins; a low mood and a problem escalate once; answers are stored as codes", async () => {
    const { user, caseId } = await placedClient("ro");
    const placement = await recordPlacement(
      { db: bed.app.db, queue: bed.app.nudgeQueue, defaultTimeZone: "Europe/Brussels" },
      { caseId, employer: "Colruyt", job: "casier", startDate: today(), contractType: "interim" },
    );
    expect(
      (await bed.app.db.checkIn.findMany({ where: { placementId: placement.id } }))
        .map((c) => c.point)
        .sort(),
    ).toEqual(["first_day", "month_1", "month_3", "month_6", "week_1"]);
    expect((await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe("working");

    expect(await fire(placement.id, "week_1")).toBe("sent");
    const [question] = await waitForCheckIn(user, 1, "Colruyt");
    expect(question?.payload.text).toBe(t("checkin.how_is_work", "ro", { employer: "Colruyt" }));

    const followUp = await user.tap(/🙁/);
    expect(followUp.at(-1)?.text).toBe(t("checkin.still_working_prompt", "ro"));
    await user.tap(/✅/);
    await user.tap(/✅/);
    await user.tap(/❌/); // not paid on time
    await user.tap(/🚌/);
    await user.tap(/✔️/);
    const thanks = await user.tap(/✅/); // wants help
    expect(thanks.at(-1)?.text).toBe(t("checkin.thanks", "ro"));

    const checkIn = await bed.app.db.checkIn.findUniqueOrThrow({
      where: { placementId_point: { placementId: placement.id, point: "week_1" } },
    });
    expect(checkIn).toMatchObject({ mood: 2, stillWorking: true, escalated: true });
    expect(checkIn.answers).toMatchObject({
      still_working: true,
      paid_on_time: false,
      problems: ["transport"],
      wants_help: true,
    });
    const tasks = await bed.app.db.counsellorTask.findMany({ where: { caseId, kind: "checkin.escalation" } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.data).toMatchObject({ point: "week_1", reasons: "low_mood", mood: 2 });
  });

  test("no answer to two check-ins in a row escalates to the counsellor", async () => {
    const { user, caseId } = await placedClient("ar");
    const placement = await recordPlacement(
      { db: bed.app.db, queue: bed.app.nudgeQueue, defaultTimeZone: "Europe/Brussels" },
      { caseId, employer: "Bpost", job: "sorter", startDate: today(), contractType: "fixed" },
    );
    await fire(placement.id, "week_1");
    await fire(placement.id, "month_1");
    expect(await bed.app.db.counsellorTask.count({ where: { caseId } })).toBe(0);
    await fire(placement.id, "month_3");
    await waitForCheckIn(user, 3, "Bpost");
    const tasks = await bed.app.db.counsellorTask.findMany({ where: { caseId } });
    expect(tasks.map((task) => (task.data as { reasons: string }).reasons)).toEqual(["unanswered_twice"]);
  });

  test("retention per programme: still working at 1, 3 and 6 months", async () => {
    const { caseId, programmeSlug } = await placedClient("en");
    const start = (monthsAgo: number) => {
      const d = new Date();
      d.setUTCMonth(d.getUTCMonth() - monthsAgo);
      return new Date(`${d.toISOString().slice(0, 10)}T00:00:00Z`);
    };
    const longAgo = await bed.app.db.placement.create({
      data: { caseId, employer: "A", job: "cook", startDate: start(7), contractType: "permanent" },
    });
    await bed.app.db.checkIn.create({
      data: { placementId: longAgo.id, point: "month_6", dueAt: new Date(), stillWorking: false },
    });
    await bed.app.db.placement.create({
      data: { caseId, employer: "B", job: "cleaner", startDate: start(4), contractType: "interim" },
    });
    await bed.app.db.placement.create({
      // Ended 45 days after starting: still working at 1 month, not at 3.
      data: {
        caseId,
        employer: "C",
        job: "driver",
        startDate: start(2),
        contractType: "interim",
        status: "ended",
        endedOn: new Date(start(2).getTime() + 45 * 86_400_000),
      },
    });
    const rates = await retention(bed.app.db, { programmeSlug, today: today() });
    expect(rates).toEqual([
      { months: 1, started: 3, stillWorking: 3, rate: 1 },
      { months: 3, started: 2, stillWorking: 2, rate: 1 },
      { months: 6, started: 1, stillWorking: 0, rate: 0 },
    ]);
  });
});

test("an unfinished flow is nudged after the programme's idle delays, then left alone", async () => {
  // Idle delays of seconds only after onboarding: a slow tap there must not earn a nudge of its own.
  const { user, programmeSlug } = await placedClient("nl");
  await bed.app.db.programme.update({
    where: { slug: programmeSlug },
    data: { settings: { quietHours: null, idleNudges: ["PT2S", "PT4S"] } },
  });
  await user.say("/assessment");
  await user.tap("residence:eu_citizen"); // the run now waits at "housing"
  const nudges = await bed.telegram.waitFor((calls) => {
    const found = calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.payload.chat_id) === String(user.userId) &&
        c.payload.text === t("common.idle_nudge", "nl"),
    );
    return found.length >= 2 ? found : undefined;
  }, 15_000);
  expect(nudges).toHaveLength(2);
  // Each nudge is followed by the waiting question again.
  await bed.telegram.waitFor(
    () => user.all().filter((m) => m.text === t("assessment.housing_prompt", "nl")).length >= 3 || undefined,
    10_000,
  );
  // Then left alone: no idle nudge of the run is pending any more (the rows are the timers' truth),
  // so nothing can fire later; no need to wait and see.
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
  });
  const idle = await bed.app.db.nudge.findMany({
    where: { conversationId: conversation.id, kind: "idle_flow" },
  });
  expect(idle.filter((n) => n.status === "pending")).toEqual([]);
  expect(idle.filter((n) => n.status === "sent")).toHaveLength(2);
  expect(user.all().filter((m) => m.text === t("common.idle_nudge", "nl"))).toHaveLength(2);
});
