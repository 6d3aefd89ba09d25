/**
 * The weekly job digest end to end: clients choose "once a week" with /alerts on Telegram, their
 * matches wait, and the digest sends each of them ONE message (count, numbered jobs, a button per
 * job) through the outbox to the fake Telegram server; a tap shows the job's card. The digest
 * reads every pending alert, so this file has a database of its own.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { computeReadiness } from "../../src/domain/assessment/readiness.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { sendJobAlerts } from "../../src/domain/vacancies/job-alerts.ts";
import { sendJobDigests } from "../../src/domain/vacancies/job-digest.ts";
import {
  JOB_DIGEST_SCHEDULER,
  startJobDigestSchedule,
} from "../../src/domain/vacancies/job-digest-schedule.ts";
import { createVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { FSI, PDI } from "../../src/i18n/bidi.ts";
import { createLogger } from "../../src/logger.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { callbackUpdate } from "../support/fake-telegram.ts";
import { ownDatabase } from "../support/own-database.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { postUpdate } from "../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";
import { cook as kitchen } from "../support/vacancy-world.ts";

const database = ownDatabase("digest");
let bed: TestBedWithTelegram;
beforeAll(async () => {
  await database.create();
  bed = await startTestBed({ telegram: true, workers: true, env: { DATABASE_URL: database.url } });
}, 120_000);
afterAll(async () => {
  await bed?.close();
  await database.drop();
});

const t = (key: string, locale: string, params?: Record<string, string | number>) =>
  bed.app.translator.t(key, locale, params);
const deps = () => ({ db: bed.app.db, translator: bed.app.translator, outbox: bed.app.outbox });
const TZ = "Europe/Brussels";
/** Monday 23 November 2026, 10:00 in Brussels: ISO week 2026-W48. */
const MONDAY = new Date("2026-11-23T09:00:00Z");
/** Someone who wants kitchen work (test/support/vacancy-world.ts). */
const cook = kitchen();

type World = Awaited<ReturnType<typeof organisationWithCounsellor>>;

const organisation = () => organisationWithCounsellor(bed.app.db, { ...FOYER, organisation: "JobRoad" });

/** A client on Telegram with a cook's self-assessment who chose the weekly digest with /alerts. */
async function weeklyClient(world: World, locale: string, languages: string[]) {
  const created = await createCase(bed.app.db, {
    programmeSlug: world.programme.slug,
    counsellorEmail: world.counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:later");
  await user.say("/alerts");
  await user.tap("frequency:weekly");
  const { clientId } = await bed.app.db.case.findUniqueOrThrow({ where: { id: created.id } });
  const answers = { ...cook, languages };
  await bed.app.db.assessment.create({
    data: {
      clientId: clientId as string,
      caseId: created.id,
      flowId: "self_assessment",
      flowVersion: 1,
      answers: answers as object,
      readiness: computeReadiness(answers, null, "2026-11-23") as object,
    },
  });
  return { user, caseId: created.id, clientId: clientId as string };
}

function vacancy(world: World, job: string, municipality: string) {
  return createVacancy(bed.app.db, {
    organisationSlug: world.organisation.slug,
    employer: "Brasserie Horta",
    job,
    sector: "kitchen_pastry",
    municipality,
    hours: "full_time",
    shifts: ["day"],
    weekends: true,
    contractType: "interim",
    texts: { ro: `${job}: ajuți în bucătărie.`, ar: `${job}: تساعد في المطبخ.` },
  });
}

/** The digest messages the bot sent to this person's chat (those with "show this job" buttons). */
const digestsTo = (user: TelegramUser) =>
  user.all().filter((m) => m.buttons.some((b) => b.data.startsWith("jobshow:")));

const waitForDigests = (user: TelegramUser, count: number) =>
  bed.telegram.waitFor(() => digestsTo(user).length >= count, 10_000);

const alertOf = (vacancyId: string, clientId: string) =>
  bed.app.db.jobAlert.findUniqueOrThrow({ where: { vacancyId_clientId: { vacancyId, clientId } } });

test("one digest per weekly client lists their open jobs with a button each; a tap shows the card; once a week", async () => {
  const world = await organisation();
  const ana = await weeklyClient(world, "ro", ["romanian"]);
  const samir = await weeklyClient(world, "ar", ["arabic"]);
  const quiet = await weeklyClient(world, "ro", ["romanian"]); // will choose "no job alerts"
  const blocked = await weeklyClient(world, "ro", ["romanian"]); // blocked the bot (as a 403 records it)
  const stopped = await weeklyClient(world, "ro", ["romanian"]); // types /stop
  const everyone = [ana, samir, quiet, blocked, stopped];

  const helper = await vacancy(world, "Ajutor bucătar", "Saint-Gilles");
  const baker = await vacancy(world, "Brutar", "Anderlecht");
  const filled = await vacancy(world, "Patiser", "Ixelles");
  for (const v of [helper, baker, filled]) {
    const report = await sendJobAlerts(deps(), { vacancyId: v.id, today: "2026-11-20" });
    expect(report.digest.sort()).toEqual(everyone.map((c) => c.caseId).sort());
    expect(report.sent).toEqual([]);
  }
  await bed.app.db.vacancy.update({ where: { id: filled.id }, data: { status: "filled" } });
  await quiet.user.say("/alerts");
  await quiet.user.tap("frequency:none");
  await bed.app.db.conversation.updateMany({
    where: { clientId: blocked.clientId },
    data: { status: "blocked" },
  });
  await stopped.user.say("/stop");

  const report = await sendJobDigests(deps(), { now: MONDAY, timeZone: TZ });
  expect(report.week).toBe("2026-W48");
  expect(report.sent.sort((a, b) => a.clientId.localeCompare(b.clientId))).toEqual(
    [
      { clientId: ana.clientId, caseId: ana.caseId, jobs: 2 },
      { clientId: samir.clientId, caseId: samir.caseId, jobs: 2 },
    ].sort((a, b) => a.clientId.localeCompare(b.clientId)),
  );
  expect(Object.fromEntries(report.skipped.map((r) => [r.clientId, r.reason]))).toEqual({
    [quiet.clientId]: "alerts_off",
    [blocked.clientId]: "not_reachable",
    [stopped.clientId]: "not_reachable",
  });

  // Ana: one message, the two open jobs numbered, one button per job; the filled one is left out.
  await waitForDigests(ana.user, 1);
  const [anaDigest, ...more] = digestsTo(ana.user);
  expect(more).toEqual([]);
  const helperAlert = await alertOf(helper.id, ana.clientId);
  const bakerAlert = await alertOf(baker.id, ana.clientId);
  const filledAlert = await alertOf(filled.id, ana.clientId);
  expect(anaDigest?.text).toBe(
    [
      t("jobs.digest", "ro", { count: 2 }),
      "1️⃣ Ajutor bucătar · 📍 Saint-Gilles",
      "2️⃣ Brutar · 📍 Anderlecht",
      "",
      t("jobs.digest_footer", "ro"),
    ].join("\n"),
  );
  expect(anaDigest?.buttons).toEqual([
    { text: "1️⃣ Ajutor bucătar", data: `jobshow:${helperAlert.id}` },
    { text: "2️⃣ Brutar", data: `jobshow:${bakerAlert.id}` },
  ]);
  expect(helperAlert).toMatchObject({ status: "sent", sentAt: MONDAY });
  expect(bakerAlert).toMatchObject({ status: "sent", sentAt: MONDAY });
  expect(filledAlert).toMatchObject({ status: "digest_pending", sentAt: null });
  const stored = await bed.app.db.message.findUniqueOrThrow({
    where: { idempotencyKey: `job-digest:${ana.clientId}:2026-W48` },
  });
  expect(stored).toMatchObject({ messageKey: "jobs.digest", proactive: true });

  // Samir reads Arabic: the header in Arabic (dual form), the job titles isolated so they cannot scramble the line.
  await waitForDigests(samir.user, 1);
  const [samirDigest] = digestsTo(samir.user);
  expect(samirDigest?.text.split("\n")[0]).toBe(t("jobs.digest", "ar", { count: 2 }));
  expect(samirDigest?.text).toContain(`${FSI}Ajutor bucătar${PDI}`);

  // Nothing for the one who chose none, the blocked one and the one who typed /stop.
  for (const client of [quiet, blocked, stopped]) {
    expect(
      await bed.app.db.message.count({
        where: { idempotencyKey: { startsWith: `job-digest:${client.clientId}:` } },
      }),
    ).toBe(0);
  }

  // A tap on a job shows its card, with the answer buttons; the answers work as on any card.
  const card = await ana.user.tap(/^2️⃣/);
  expect(card.at(-1)?.text).toContain("Brutar: ajuți în bucătărie.");
  expect(card.at(-1)?.text.startsWith("💼")).toBe(true);
  expect(card.at(-1)?.buttons.map((b) => b.data)).toEqual(
    ["interested", "not_for_me", "more"].map((answer) => `job:${bakerAlert.id}:${answer}`),
  );
  const next = await ana.user.tap(/🙋/);
  expect(next.at(-1)?.text).toBe(t("jobs.interested_next", "ro"));
  expect(await alertOf(baker.id, ana.clientId)).toMatchObject({ status: "interested" });

  // Someone else's job, or a job since filled, is not shown.
  await postUpdate(
    bed.app,
    callbackUpdate({ userId: samir.user.userId, data: `jobshow:${helperAlert.id}`, messageId: 5_000 }),
  );
  await postUpdate(
    bed.app,
    callbackUpdate({ userId: ana.user.userId, data: `jobshow:${filledAlert.id}`, messageId: 5_001 }),
  );
  expect(samir.user.all().at(-1)?.text).toBe(t("jobs.unknown", "ar"));
  expect(ana.user.all().at(-1)?.text).toBe(t("jobs.unknown", "ro"));

  // Again the same week: nothing is sent twice.
  const again = await sendJobDigests(deps(), { now: new Date(MONDAY.getTime() + 3_600_000), timeZone: TZ });
  expect(again.sent).toEqual([]);

  // A job matched after this week's digest waits for next week's, also when the digest runs again.
  const late = await vacancy(world, "Bucătar", "Forest");
  await sendJobAlerts(deps(), { vacancyId: late.id, today: "2026-11-24" });
  const sameWeek = await sendJobDigests(deps(), { now: new Date("2026-11-26T09:00:00Z"), timeZone: TZ });
  expect(sameWeek.sent).toEqual([]);
  expect(sameWeek.skipped).toContainEqual({
    clientId: ana.clientId,
    caseId: ana.caseId,
    reason: "already_sent_this_week",
  });
  expect(await alertOf(late.id, ana.clientId)).toMatchObject({ status: "digest_pending" });
  const nextWeek = await sendJobDigests(deps(), { now: new Date("2026-11-30T09:00:00Z"), timeZone: TZ });
  expect(nextWeek.week).toBe("2026-W49");
  expect(nextWeek.sent).toContainEqual({ clientId: ana.clientId, caseId: ana.caseId, jobs: 1 });
  await waitForDigests(ana.user, 2);
  expect(digestsTo(ana.user)[1]?.text.split("\n").slice(0, 2)).toEqual([
    t("jobs.digest", "ro", { count: 1 }),
    "1️⃣ Bucătar · 📍 Forest",
  ]);
  expect(
    await bed.app.db.message.count({
      where: { idempotencyKey: { startsWith: `job-digest:${ana.clientId}:` } },
    }),
  ).toBe(2);
});

test("the schedule runs the digest on Mondays at 10:00 in the programmes' time zone, through a worker", async () => {
  const schedule = await startJobDigestSchedule({
    connection: bed.app.redis,
    prefix: bed.app.config.QUEUE_PREFIX,
    db: bed.app.db,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    logger: createLogger("silent"),
    timeZone: TZ,
  });
  try {
    const scheduler = await schedule.queue.getJobScheduler(JOB_DIGEST_SCHEDULER);
    expect(scheduler).toMatchObject({ pattern: "0 10 * * 1", tz: TZ });
    const next = new Date(Number(scheduler?.next));
    const local = new Intl.DateTimeFormat("en-GB", {
      timeZone: TZ,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(next);
    expect(local).toBe("Mon 10:00");

    // A run now (as the scheduler's job would at 10:00) sends the waiting digest.
    const world = await organisation();
    const lina = await weeklyClient(world, "ro", ["romanian"]);
    const job = await vacancy(world, "Spălător vase", "Molenbeek");
    await sendJobAlerts(deps(), { vacancyId: job.id, today: "2026-11-24" });
    await schedule.queue.add("send-digests", {});
    await waitForDigests(lina.user, 1);
    expect(await alertOf(job.id, lina.clientId)).toMatchObject({ status: "sent" });
  } finally {
    await schedule.queue.removeJobScheduler(JOB_DIGEST_SCHEDULER);
    await schedule.queue.obliterate({ force: true });
    await schedule.close();
  }
});
