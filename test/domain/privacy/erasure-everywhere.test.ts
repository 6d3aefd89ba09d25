/**
 * Issue 12, defect 7 (erasure): after /delete, no row of any table may still hold the person's
 * ids. The tables are read from information_schema — every column named like a client or a
 * conversation, and then every row of every table as text (JSON, arrays and audit events too) —
 * so a table added later is checked without touching this test; and every table must have a rule
 * in erasure-rules.ts. Nudges (which have no foreign key) and their Redis timers were the ones left
 * behind first; then tasks, audit events naming a linked conversation, a placement's employer,
 * saved lists. Redis is read too: no key of the app names the person for longer than a rate window.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppointmentDeps, createAppointment } from "../../../src/domain/appointments/appointments.ts";
import { saveList } from "../../../src/domain/broadcasts/saved-lists.ts";
import { addCaseNote } from "../../../src/domain/cases/case-notes.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { recordPlacement } from "../../../src/domain/placements/placements.ts";
import { ERASURE_RULES } from "../../../src/domain/privacy/erasure-rules.ts";
import { createTask } from "../../../src/domain/tasks/tasks.ts";
import { FOYER, organisationWithCounsellor } from "../../domain/fixtures.ts";
import { uid } from "../../support/db.ts";
import { erasureScan } from "../../support/erasure-scan.ts";
import { staffMember } from "../../support/staff.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../../support/test-bed.ts";

let bed: TestBedWithTelegram;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true });
});
afterAll(() => bed?.close());

const scan = () => erasureScan(bed.app);

test("every table of the database has an erasure rule (erasure-rules.ts)", async () => {
  expect(await scan().allTables()).toEqual(Object.keys(ERASURE_RULES).sort());
});

test("after /delete no table holds the client's or the conversation's ids, and no timer is left", async () => {
  const s = uid();
  const { organisation, programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    programme: "R@W",
  });
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  const conversation = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
  });
  const clientId = conversation.clientId as string;
  expect(clientId).toBeTruthy();
  // The same person in a second chat (/link): an audit event names both conversations.
  const [codeMessage] = await user.say("/link");
  const code = /\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0];
  const second = new TelegramUser(bed.app, bed.telegram);
  await second.say(`/link ${code}`);
  const linked = await bed.app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(second.userId) },
  });
  expect(linked.clientId).toBe(clientId);
  // Words of their own, which must go with them.
  const words = `Strada-${s}`;
  await user.say(`I live at ${words} 7, call me`);
  const deps: AppointmentDeps = {
    db: bed.app.db,
    queue: bed.app.nudgeQueue,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    defaultTimeZone: "Europe/Brussels",
  };
  await createAppointment(deps, {
    caseId: created.id,
    at: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    location: "Rue 1",
    withWhom: "Lena",
    purpose: "intake",
    bringNotes: { ro: "contractul de închiriere al lui Ion" },
  });
  const employer = `Bakery-${s}`;
  await recordPlacement(
    { db: bed.app.db, queue: bed.app.nudgeQueue, defaultTimeZone: "Europe/Brussels" },
    { caseId: created.id, employer, job: `baker-${s}`, startDate: "2099-01-04", contractType: "fixed" },
  );
  const staff = await staffMember(bed.app.db, organisation.slug, "counsellor");
  await addCaseNote(bed.app.db, staff.identity, created.id, `knows ${words}`);
  await saveList(bed.app.db, {
    organisationSlug: organisation.slug,
    name: `Tuesday ${s}`,
    caseIds: [created.id],
  });
  const vacancy = await bed.app.db.vacancy.create({
    data: {
      organisationId: organisation.id,
      employer: "Hotel",
      sector: "cleaning",
      municipality: "Anderlecht",
      hours: "part_time",
    },
  });
  const alert = await bed.app.db.jobAlert.create({ data: { vacancyId: vacancy.id, clientId, locale: "ro" } });
  await createTask(bed.app.db, {
    kind: "job.interest",
    caseId: null,
    organisationId: vacancy.organisationId,
    data: { vacancyId: vacancy.id, alertId: alert.id },
  });
  await createTask(bed.app.db, {
    kind: "checkin.escalation",
    caseId: created.id,
    organisationId: vacancy.organisationId,
    data: { point: "week_1", reasons: "pay", mood: 1 },
  });
  // An idle nudge names the conversation itself.
  await bed.app.db.nudge.create({
    data: {
      jobId: `idle:run-${s}:1`,
      kind: "idle_flow",
      conversationId: conversation.id,
      subjectId: `run-${s}`,
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
  const nudges = await bed.app.db.nudge.findMany({
    where: { OR: [{ conversationId: conversation.id }, { caseId: created.id }], status: "pending" },
  });
  expect(nudges.length).toBeGreaterThanOrEqual(3);
  await bed.app.nudgeQueue.add(
    "nudge",
    { jobId: `idle:run-${s}:1` },
    { jobId: `idle:run-${s}:1`, delay: 86_400_000 },
  );
  for (const nudge of nudges) expect(await bed.app.nudgeQueue.getJob(nudge.jobId), nudge.jobId).toBeTruthy();
  // The scan reads the app's keys: the timer's job is there.
  expect(await scan().redisKeysHolding([`idle:run-${s}:1`])).not.toEqual([]);
  const handovers = await bed.app.db.handover.findMany({ where: { conversationId: conversation.id } });
  const ids = [clientId, conversation.id, linked.id, String(user.userId), String(second.userId)];
  const needles = [...ids, words, employer, alert.id, ...handovers.map((h) => h.id)];
  expect(await scan().tablesHolding(needles)).toEqual(
    expect.arrayContaining(["AuditEvent", "CounsellorTask", "Placement"]),
  );

  await user.say("/delete");
  await user.tap("confirm:erase");

  const columns = await scan().personColumns();
  const tables = new Set(columns.map((c) => c.table));
  for (const expected of ["Message", "Consent", "FlowRun", "Nudge", "Case", "BroadcastRecipient"]) {
    expect(tables, expected).toContain(expected);
  }
  expect(await scan().columnsHolding(ids)).toEqual([]);
  expect(await scan().tablesHolding(needles)).toEqual([]);
  for (const nudge of nudges) expect(await bed.app.nudgeQueue.getJob(nudge.jobId), nudge.jobId).toBeFalsy();
  expect(await scan().redisKeysHolding(ids)).toEqual([]);
  // A counsellor's note on what to bring was about the person: it goes too (the appointment stays, anonymous).
  const appointments = await bed.app.db.appointment.findMany({ where: { caseId: created.id } });
  expect(appointments.map((a) => a.bringNotes)).toEqual([{}]);
  // The case stays for the counts, out of the staff's lists; its placement keeps its dates.
  expect((await bed.app.db.savedList.findFirstOrThrow({ where: { name: `Tuesday ${s}` } })).caseIds).toEqual(
    [],
  );
  const placements = await bed.app.db.placement.findMany({ where: { caseId: created.id } });
  expect(placements.map((p) => [p.employer, p.job, p.startDate.toISOString().slice(0, 10)])).toEqual([
    ["", "", "2099-01-04"],
  ]);
}, 60_000);
