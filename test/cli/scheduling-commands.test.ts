/**
 * The scheduling commands of the counsellor CLI against the real database and the local Redis:
 * appointments (reminders planned as Nudge rows with timers, the notice queued in the outbox),
 * placements and their check-ins, counsellor tasks and retention. Each test has its own
 * QUEUE_PREFIX, so its timers and outbound jobs are its own; no worker runs, so nothing is sent.
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DateTime } from "luxon";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import type { SchedulingServices } from "../../src/cli/scheduling-services.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import type { Translator } from "../../src/i18n/translator.ts";
import { createOutbox, type Outbox } from "../../src/outbox/outbox.ts";
import { createNudgeQueue, type NudgeJobData } from "../../src/scheduling/nudge-queue.ts";
import { createRedis } from "../../src/store/redis.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";

const ZONE = "Europe/Brussels";
const db = testDb();
let redis: Redis;
let translator: Translator;

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL);
  translator = await createTranslator({ localesDir: "locales" });
});
afterAll(async () => {
  redis.disconnect();
  await db.$disconnect();
});

/** This test's configuration, queue and outbox: a QUEUE_PREFIX no other test uses. */
let config: Config;
let queue: Queue<NudgeJobData>;
let outbox: Outbox;
let services: SchedulingServices;

beforeEach(() => {
  config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: testPrefix(),
    TZ_DEFAULT: ZONE,
  });
  queue = createNudgeQueue(redis, config.QUEUE_PREFIX);
  outbox = createOutbox({ db, queue: config.QUEUE_PREFIX });
  services = { queue, outbox, translator };
});
afterEach(async () => {
  await Promise.all([outbox.close(), queue.close()]);
  // Leave nothing behind in the shared Redis.
  await removeKeys(config.QUEUE_PREFIX);
});

/** Runs the CLI with this test's services and returns its exit code and what it wrote. */
async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    db,
    config,
    scheduling: async () => services,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** An organisation, programme, counsellor and case whose client accepted the notice in web chat (Romanian). */
async function caseWithClient() {
  const s = uid();
  const organisation = await createOrganisation(db, { slug: `org-${s}`, name: `Org ${s}` });
  const programme = await createProgramme(db, {
    organisationSlug: organisation.slug,
    slug: `p-${s}`,
    name: "Roma@Work",
    timezone: ZONE,
  });
  const counsellor = await createCounsellor(db, {
    organisationSlug: organisation.slug,
    name: `Counsellor ${s}`,
    email: `c-${s}@example.org`,
  });
  const created = await createCase(db, { programmeSlug: programme.slug, counsellorEmail: counsellor.email });
  const client = await db.client.create({ data: { locale: "ro" } });
  const conversation = await db.conversation.create({
    data: {
      channel: "webchat",
      externalConversationId: `web-${uid()}`,
      externalUserId: `user-${uid()}`,
      clientId: client.id,
      locale: "ro",
      status: "active",
    },
  });
  await db.consent.create({
    data: {
      conversationId: conversation.id,
      clientId: client.id,
      noticeVersion: "test-1",
      decision: "accepted",
      channel: "webchat",
    },
  });
  await db.case.update({
    where: { id: created.id },
    data: { clientId: client.id, linkedAt: new Date(), inviteCode: null, status: "preparation" },
  });
  return { organisation, programme, counsellor, caseId: created.id, conversationId: conversation.id };
}

/** A local time `days` from now at `clock`, as typed after --at. */
const localAt = (days: number, clock: string) =>
  `${DateTime.now().setZone(ZONE).plus({ days }).toFormat("yyyy-MM-dd")} ${clock}`;
const local = (date: Date) => DateTime.fromJSDate(date, { zone: ZONE }).toFormat("yyyy-MM-dd HH:mm");

async function createdAppointment(caseId: string, at: string) {
  const result = await cli([
    ...["appointment", "create", "--case", caseId, "--at", at],
    ...["--location", "Rue de la Loi 1, 1000 Bruxelles", "--with", "Lena Janssens"],
    ...["--purpose", "job_interview", "--bring", "identity_card,cv"],
  ]);
  const id = /^\s+Id\s+(\S+)$/m.exec(result.stdout)?.[1] ?? "";
  return { ...result, id };
}

async function timerOf(jobId: string) {
  const job = await queue.getJob(jobId);
  return job ? job.timestamp + (job.delay ?? 0) : undefined;
}

describe("appointment commands", () => {
  test("create prints the local time and the reminders planned, writes the Nudge rows with timers and queues the notice", async () => {
    const { caseId, conversationId } = await caseWithClient();
    const at = localAt(10, "14:00");

    const { code, stdout, stderr, id } = await createdAppointment(caseId, at);

    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`When\\s+${at} \\(${ZONE}\\)`));
    expect(stdout).toMatch(/Client\s+told: a message is queued for them/);
    const nudges = await db.nudge.findMany({ where: { subjectId: id }, orderBy: { dueAt: "asc" } });
    expect(nudges.map((n) => [n.jobId, n.status, n.conversationId])).toEqual([
      [`reminder:${id}:P1D`, "pending", conversationId],
      [`reminder:${id}:PT2H`, "pending", conversationId],
    ]);
    expect(nudges.map((n) => local(n.dueAt))).toEqual([localAt(9, "14:00"), localAt(10, "12:00")]);
    expect(stdout).toContain(`Reminders planned\nJOB ID`);
    for (const nudge of nudges) {
      expect(stdout).toMatch(new RegExp(`${nudge.jobId}\\s+${local(nudge.dueAt)}`));
      expect(await timerOf(nudge.jobId)).toBe(nudge.dueAt.getTime());
    }

    const messages = await db.message.findMany({ where: { conversationId, direction: "outbound" } });
    expect(messages).toHaveLength(1);
    // Queued for the running app's senders of this deployment (QUEUE_PREFIX).
    expect(messages[0]).toMatchObject({ status: "queued", proactive: true, queue: config.QUEUE_PREFIX });
    expect(messages[0]?.text).toContain("Rue de la Loi 1");
  });

  test("--json prints the appointment, its reminders and the notice", async () => {
    const { caseId } = await caseWithClient();
    const { code, stdout } = await cli([
      ...["appointment", "create", "--case", caseId, "--at", localAt(5, "10:30")],
      ...["--location", "Boulevard Anspach 65, Bruxelles", "--with", "Samir", "--purpose", "intake"],
      ...["--map-url", "https://maps.example.org/anspach", "--json"],
      ...["--bring", "residence_card, cv", "--note-ar", "نسخة من العقد"],
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.appointment).toMatchObject({
      caseId,
      localTime: localAt(5, "10:30"),
      timeZone: ZONE,
      purpose: "intake",
      mapUrl: "https://maps.example.org/anspach",
      bringDocuments: ["residence_card", "cv"],
      bringNotes: { ar: "نسخة من العقد" },
      status: "scheduled",
    });
    expect(printed.reminders.map((r: { jobId: string }) => r.jobId)).toEqual([
      `reminder:${printed.appointment.id}:P1D`,
      `reminder:${printed.appointment.id}:PT2H`,
    ]);
    expect(printed.clientNotice).toEqual({ queued: true });
    // A document that is not on the list is refused, naming the list.
    const wrong = await cli([
      ...["appointment", "create", "--case", caseId, "--at", localAt(6, "10:30")],
      ...[
        "--location",
        "Boulevard Anspach 65",
        "--with",
        "Samir",
        "--purpose",
        "intake",
        "--bring",
        "ID card",
      ],
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("identity_card");
  });

  test("move replaces the reminders with ones for the new time", async () => {
    const { caseId, conversationId } = await caseWithClient();
    const { id } = await createdAppointment(caseId, localAt(10, "14:00"));

    const moved = await cli(["appointment", "move", id, "--at", localAt(12, "09:30")]);

    expect(moved).toMatchObject({ code: 0, stderr: "" });
    expect(moved.stdout).toMatch(new RegExp(`When\\s+${localAt(12, "09:30")}`));
    const nudges = await db.nudge.findMany({ where: { subjectId: id }, orderBy: { dueAt: "asc" } });
    expect(nudges.map((n) => [n.jobId, n.status, local(n.dueAt)])).toEqual([
      [`reminder:${id}:P1D`, "pending", localAt(11, "09:30")],
      [`reminder:${id}:PT2H`, "pending", localAt(12, "08:00")],
    ]);
    for (const nudge of nudges) {
      expect(moved.stdout).toMatch(new RegExp(`${nudge.jobId}\\s+${local(nudge.dueAt)}`));
      expect(await timerOf(nudge.jobId)).toBe(nudge.dueAt.getTime());
    }
    expect(await db.message.count({ where: { conversationId, direction: "outbound" } })).toBe(2);
  });

  test("cancel marks the reminders cancelled and removes their timers", async () => {
    const { caseId, conversationId } = await caseWithClient();
    const { id } = await createdAppointment(caseId, localAt(10, "14:00"));

    const cancelled = await cli(["appointment", "cancel", id]);

    expect(cancelled).toMatchObject({ code: 0, stderr: "" });
    expect(cancelled.stdout).toMatch(/Status\s+cancelled/);
    expect(cancelled.stdout).toContain("Reminders cancelled");
    const nudges = await db.nudge.findMany({ where: { subjectId: id } });
    expect(nudges).toHaveLength(2);
    for (const nudge of nudges) {
      expect(nudge.status).toBe("cancelled");
      expect(cancelled.stdout).toContain(nudge.jobId);
      expect(await queue.getJob(nudge.jobId)).toBeUndefined();
    }
    expect(await db.message.count({ where: { conversationId, direction: "outbound" } })).toBe(2);

    const again = await cli(["appointment", "cancel", id]);
    expect(again).toMatchObject({ code: 1, stderr: `No scheduled appointment with id ${id}.\n` });
  });

  test("list shows time, place, purpose, status and the client's answer", async () => {
    const { caseId, counsellor } = await caseWithClient();
    const first = await createdAppointment(caseId, localAt(3, "11:00"));
    const second = await createdAppointment(caseId, localAt(8, "15:15"));
    await db.appointment.update({
      where: { id: first.id },
      data: { response: "coming", respondedAt: new Date() },
    });
    await cli(["appointment", "cancel", second.id]);

    const { code, stdout } = await cli(["appointment", "list", "--case", caseId, "--as", counsellor.email]);

    expect(code).toBe(0);
    const [zoneLine, , header, ...rows] = stdout.trimEnd().split("\n");
    expect(zoneLine).toBe(`Times in ${ZONE}.`);
    expect(header).toMatch(/^APPOINTMENT\s+TIME\s+PURPOSE\s+STATUS\s+ANSWER\s+WITH\s+PLACE$/);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      [
        first.id,
        localAt(3, "11:00"),
        "job_interview",
        "scheduled",
        "coming",
        "Lena Janssens",
        expect.any(String),
      ],
      [
        second.id,
        localAt(8, "15:15"),
        "job_interview",
        "cancelled",
        "-",
        "Lena Janssens",
        expect.any(String),
      ],
    ]);
    expect(rows[0]).toMatch(/Rue de la Loi 1, 1000 Bruxelles$/);
  });

  test("a bad --purpose exits 1 with a message naming the purposes", async () => {
    const { caseId } = await caseWithClient();
    const { code, stdout, stderr } = await cli([
      ...["appointment", "create", "--case", caseId, "--at", localAt(4, "10:00")],
      ...["--location", "Rue de la Loi 1", "--with", "Lena", "--purpose", "party"],
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      "Invalid purpose: must be one of intake, orientation, training, job_interview, company_visit.\n",
    );
    expect(await db.appointment.count({ where: { caseId } })).toBe(0);
  });

  test("a missing --at exits 2 with the usage", async () => {
    const { code, stderr } = await cli([
      ...["appointment", "create", "--case", "any", "--location", "Rue de la Loi 1"],
      ...["--with", "Lena", "--purpose", "intake"],
    ]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe('Missing option --at for "appointment create".');
    expect(stderr).toContain("Usage: npm run cli -- appointment create --case <case id> --at");
    const move = await cli(["appointment", "move", "some-id"]);
    expect(move.code).toBe(2);
    expect(move.stderr.split("\n")[0]).toBe('Missing option --at for "appointment move".');
  });

  test("an unknown case exits 1 with one line", async () => {
    const { code, stderr } = await cli([
      ...["appointment", "create", "--case", "no-such-case", "--at", localAt(4, "10:00")],
      ...["--location", "Rue de la Loi 1", "--with", "Lena", "--purpose", "intake"],
    ]);
    expect({ code, stderr }).toEqual({ code: 1, stderr: "No case with id no-such-case.\n" });
  });
});

describe("placement commands", () => {
  test("record plans the five check-ins and moves the case to working; end cancels those to come", async () => {
    const { caseId } = await caseWithClient();
    const start = DateTime.now().setZone(ZONE).plus({ days: 1 }).toFormat("yyyy-MM-dd");

    const recorded = await cli([
      ...["placement", "record", "--case", caseId, "--employer", "Colruyt", "--job", "Shelf stacker"],
      ...["--start", start, "--contract", "fixed-term"],
    ]);

    expect(recorded).toMatchObject({ code: 0, stderr: "" });
    expect(recorded.stdout).toMatch(/Case status\s+working/);
    const placementId = /^\s+Id\s+(\S+)$/m.exec(recorded.stdout)?.[1] ?? "";
    const checkIns = await db.checkIn.findMany({ where: { placementId }, orderBy: { dueAt: "asc" } });
    expect(checkIns.map((c) => c.point)).toEqual(["first_day", "week_1", "month_1", "month_3", "month_6"]);
    expect(local(checkIns[0]?.dueAt ?? new Date(0))).toBe(`${start} 18:00`);
    for (const checkIn of checkIns) {
      const jobId = `checkin:${placementId}:${checkIn.point}`;
      expect(recorded.stdout).toMatch(new RegExp(`${checkIn.point}\\s+${local(checkIn.dueAt)}\\s+${jobId}`));
      expect(await timerOf(jobId)).toBe(checkIn.dueAt.getTime());
    }
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe("working");

    const ended = await cli(["placement", "end", placementId, "--on", start]);
    expect(ended).toMatchObject({ code: 0, stderr: "" });
    expect(ended.stdout).toMatch(/Check-ins cancelled\s+first_day, week_1, month_1, month_3, month_6/);
    const nudges = await db.nudge.findMany({ where: { subjectId: { in: checkIns.map((c) => c.id) } } });
    expect(nudges.map((n) => n.status)).toEqual(Array(5).fill("cancelled"));
  });

  test("a bad date exits 1 naming the option", async () => {
    const ended = await cli(["placement", "end", "any", "--on", "31/12/2026"]);
    expect(ended).toMatchObject({
      code: 1,
      stderr: 'Invalid --on "31/12/2026": use a date as YYYY-MM-DD.\n',
    });
  });
});

describe("tasks", () => {
  test("tasks list shows the organisation's open tasks with their codes; task done closes one", async () => {
    const { organisation, caseId, counsellor } = await caseWithClient();
    const task = await db.counsellorTask.create({
      data: {
        caseId,
        organisationId: organisation.id,
        kind: "checkin.escalation",
        data: { checkInId: "ck-123", point: "week_1", reason: "no answer to two check-ins" },
      },
    });

    const listed = await cli(["tasks", "list", "--org", organisation.slug, "--as", counsellor.email]);

    expect(listed.code).toBe(0);
    const [header, row, ...rest] = listed.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^TASK\s+TIME\s+KIND\s+CASE\s+DATA$/);
    expect(row?.split(/\s{2,}/)).toEqual([
      task.id,
      local(task.createdAt),
      "checkin.escalation",
      caseId,
      "checkInId=ck-123 point=week_1 reason=no answer to two check-ins",
    ]);
    expect(rest).toEqual([]);

    const done = await cli(["task", "done", task.id]);
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(await db.counsellorTask.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({
      status: "done",
      doneAt: expect.any(Date),
    });
    expect((await cli(["tasks", "list", "--org", organisation.slug, "--as", counsellor.email])).stdout).toBe(
      "No open tasks.\n",
    );
    expect(
      (await cli(["tasks", "list", "--org", organisation.slug, "--all", "--as", counsellor.email])).stdout,
    ).toMatch(new RegExp(`${task.id}.*checkin\\.escalation.*done`));
    expect(await cli(["task", "done", task.id])).toMatchObject({
      code: 1,
      stderr: `Task ${task.id} is already done.\n`,
    });
  });
});

describe("retention", () => {
  test("prints the placements started and still working at 1, 3 and 6 months", async () => {
    const { programme, caseId } = await caseWithClient();
    const today = DateTime.now().setZone(ZONE).startOf("day");
    const date = (d: DateTime) => new Date(`${d.toFormat("yyyy-MM-dd")}T00:00:00Z`);
    const placement = (start: DateTime, endedOn?: DateTime) => ({
      caseId,
      employer: "Colruyt",
      job: "Cashier",
      contractType: "permanent",
      startDate: date(start),
      ...(endedOn ? { status: "ended" as const, endedOn: date(endedOn) } : {}),
    });
    await db.placement.createMany({
      data: [
        placement(today.minus({ months: 7 })), // still working at 1, 3 and 6 months
        placement(today.minus({ months: 4 }), today.minus({ months: 4 }).plus({ days: 10 })), // left in month 1
        placement(today.minus({ days: 40 })), // only 1 month ago
      ],
    });

    const { code, stdout } = await cli(["retention", "--programme", programme.slug]);

    expect(code).toBe(0);
    const [title, , header, ...rows] = stdout.trimEnd().split("\n");
    expect(title).toBe(`Retention of ${programme.slug} on ${today.toFormat("yyyy-MM-dd")}`);
    expect(header).toMatch(/^AFTER\s+STARTED\s+STILL WORKING\s+RATE$/);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      ["1 month", "3", "2", "67%"],
      ["3 months", "2", "1", "50%"],
      ["6 months", "1", "1", "100%"],
    ]);

    const json = await cli(["retention", "--programme", programme.slug, "--today", "2000-01-01", "--json"]);
    expect(JSON.parse(json.stdout).retention).toEqual([
      { months: 1, started: 0, stillWorking: 0, rate: null },
      { months: 3, started: 0, stillWorking: 0, rate: null },
      { months: 6, started: 0, stillWorking: 0, rate: null },
    ]);
  });
});
