/**
 * A matchmaking day end to end (Telegram, through the outbox to the fake Telegram server): a
 * vacancy with a company visit; interested clients are offered the free slots by buttons; a tap
 * books the slot as an appointment with its reminders (Postgres rows and Redis timers); a slot
 * taken meanwhile is refused with the free ones again; the counsellor's list per company shows who
 * comes when.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, test } from "vitest";
import { computeReadiness } from "../../src/domain/assessment/readiness.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { setCompanyVisit, visitsByCompany } from "../../src/domain/vacancies/company-visits.ts";
import { sendJobAlerts } from "../../src/domain/vacancies/job-alerts.ts";
import { postVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";
import { cleaner } from "../support/vacancy-world.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

async function assessedClient(programmeSlug: string, email: string) {
  const created = await createCase(bed.app.db, { programmeSlug, counsellorEmail: email });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  await user.tap("done:later");
  const linked = await bed.app.db.case.findUniqueOrThrow({ where: { id: created.id } });
  const answers = cleaner();
  await bed.app.db.assessment.create({
    data: {
      clientId: linked.clientId as string,
      caseId: created.id,
      flowId: "self_assessment",
      flowVersion: 1,
      answers: answers as object,
      readiness: computeReadiness(answers, null, "2026-11-23") as object,
    },
  });
  return { user, caseId: created.id, clientId: linked.clientId as string };
}

test("interested clients pick a visit slot by buttons and get the appointment with its reminders", async () => {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(bed.app.db);
  const ana = await assessedClient(programme.slug, counsellor.email);
  const ion = await assessedClient(programme.slug, counsellor.email);
  const vacancy = await postVacancy(bed.app.db, organisation.id, {
    employer: "Net & Propre",
    jobCode: "office_cleaner",
    contractCode: "open_ended",
    municipality: "Anderlecht",
    hours: "part_time",
    weekends: true,
    texts: { ro: "Curățenie în birouri, dimineața." },
  });
  const day = DateTime.now().setZone("Europe/Brussels").plus({ days: 3 }).toISODate() as string;
  await setCompanyVisit(
    bed.app.db,
    vacancy,
    {
      date: day,
      firstSlot: "10:00",
      slots: 2,
      minutes: 20,
      place: "Rue Wayez 12, Anderlecht",
      host: "Sofie (HR)",
    },
    "Europe/Brussels",
  );
  const report = await sendJobAlerts(
    { db: bed.app.db, translator: bed.app.translator, outbox: bed.app.outbox },
    { vacancyId: vacancy.id, today: DateTime.now().toISODate() as string },
  );
  expect(report.sent.sort()).toEqual([ana.caseId, ion.caseId].sort());
  await bed.telegram.waitFor(
    (calls) => (calls.filter((c) => String(c.payload.text).startsWith("💼")).length >= 2 ? true : undefined),
    10_000,
  );

  // Ion is interested first and sees both times; then Ana takes 10:00.
  const ionOffer = await ion.user.tap(/🙋/);
  expect(ionOffer.at(-1)?.text).toContain("Rue Wayez 12, Anderlecht");
  expect(ionOffer.at(-1)?.buttons?.map((b) => b.text)).toEqual(["🕐 10:00", "🕐 10:20"]);
  await ana.user.tap(/🙋/);
  const booked = await ana.user.tap(/10:00/);
  expect(booked.at(-1)?.text).toContain("Rue Wayez 12, Anderlecht");
  const appointment = await bed.app.db.appointment.findFirstOrThrow({ where: { caseId: ana.caseId } });
  expect(appointment).toMatchObject({ purpose: "company_visit", withWhom: "Sofie (HR)" });
  const reminders = await bed.app.db.nudge.findMany({
    where: { subjectId: appointment.id, status: "pending" },
  });
  expect(reminders.length).toBeGreaterThan(0);
  for (const reminder of reminders)
    expect(await bed.app.nudgeQueue.getJob(reminder.jobId), reminder.jobId).toBeTruthy();

  // Ion taps 10:00 from the offer he got before: taken, he gets the free time again.
  const refused = await ion.user.tap(/10:00/);
  expect(refused.map((m) => m.text)).toContain(bed.app.translator.t("jobs.visit_taken", "ro"));
  expect(refused.at(-1)?.buttons?.map((b) => b.text)).toEqual(["🕐 10:20"]);
  await ion.user.tap(/10:20/);

  const [company] = await visitsByCompany(bed.app.db, organisation.id);
  expect(company?.employer).toBe("Net & Propre");
  expect(company?.visits[0]?.slots.map((s) => s.appointment?.caseId)).toEqual([ana.caseId, ion.caseId]);
}, 90_000);
