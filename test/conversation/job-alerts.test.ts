/**
 * Job alerts end to end: a vacancy sent to matching clients in a language they read, through the
 * outbox to the fake Telegram server; the answers reach the counsellor and later matching.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { computeReadiness } from "../../src/domain/assessment/readiness.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { sendJobAlerts } from "../../src/domain/vacancies/job-alerts.ts";
import { createVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";
import { cook as kitchen } from "../support/vacancy-world.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string, params?: Record<string, string>) =>
  bed.app.translator.t(key, locale, params);
/** Someone who wants kitchen work (test/support/vacancy-world.ts). */
const cook = kitchen();

async function assessedClient(slug: string, email: string, locale: string, languages: string[]) {
  const created = await createCase(bed.app.db, { programmeSlug: slug, counsellorEmail: email });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap(`language:${locale}`);
  await user.tap("consent:accept");
  await user.tap("done:later");
  const linked = await bed.app.db.case.findUniqueOrThrow({ where: { id: created.id } });
  const answers = { ...cook, languages };
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
  return { user, caseId: created.id };
}

const cardsTo = (user: TelegramUser) =>
  bed.telegram.waitFor((calls) => {
    const cards = calls.filter(
      (c) =>
        c.method === "sendMessage" &&
        String(c.payload.chat_id) === String(user.userId) &&
        String(c.payload.text).startsWith("💼"),
    );
    return cards.length ? cards : undefined;
  }, 10_000);

test("alerts reach matching clients in a language they read; answers become tasks and reasons", async () => {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    organisation: "JobRoad",
  });
  const ro = await assessedClient(programme.slug, counsellor.email, "ro", ["romanian"]);
  const rom = await assessedClient(programme.slug, counsellor.email, "rom", ["romani", "romanian"]);
  const ar = await assessedClient(programme.slug, counsellor.email, "ar", ["arabic"]);
  const vacancy = await createVacancy(bed.app.db, {
    organisationSlug: organisation.slug,
    employer: "Brasserie Horta",
    job: "Ajutor bucătar",
    sector: "kitchen_pastry",
    municipality: "Saint-Gilles",
    access: "Tram 81, Horta",
    hours: "full_time",
    shifts: ["day"],
    weekends: true,
    contractType: "interim",
    dutchLevel: "basic",
    texts: { ro: "Ajuți la pregătirea mâncării. Dimineața.", nl: "Je helpt in de keuken. 's Ochtends." },
  });
  const deps = { db: bed.app.db, translator: bed.app.translator, outbox: bed.app.outbox };
  const report = await sendJobAlerts(deps, { vacancyId: vacancy.id, today: "2026-11-23" });
  expect(report.sent.sort()).toEqual([ro.caseId, rom.caseId].sort());
  expect(report.noText).toEqual([ar.caseId]); // reads only Arabic: no text yet, nothing sent

  // The Romani speaker also reads Romanian: the card comes in Romanian, never in a language they do not read.
  const [romCard] = await cardsTo(rom.user);
  expect(romCard?.payload.text).toContain("Ajuți la pregătirea mâncării");
  expect(romCard?.payload.text).toContain(t("jobs.hours_full_time", "ro"));

  const [roCard] = await cardsTo(ro.user);
  const buttons =
    (
      roCard?.payload.reply_markup as { inline_keyboard: { text: string }[][] } | undefined
    )?.inline_keyboard.flat() ?? [];
  expect(buttons.map((b) => b.text)).toEqual(
    ["interested", "not_for_me", "more"].map((k) => t(`jobs.${k}`, "ro")),
  );
  const next = await ro.user.tap(/🙋/);
  expect(next.at(-1)?.text).toBe(t("jobs.interested_next", "ro"));
  expect(
    await bed.app.db.counsellorTask.findFirst({ where: { caseId: ro.caseId, kind: "job.interest" } }),
  ).not.toBeNull();

  const more = await rom.user.tap(/ℹ️/);
  expect(more.at(-1)?.text).toContain(t("jobs.employer_hidden", "rom"));
  const why = await rom.user.tap(/🙅/);
  expect(why.at(-1)?.text).toBe(t("jobs.why_prompt", "rom"));
  const thanks = await rom.user.tap(/📍/);
  expect(thanks.at(-1)?.text).toBe(t("jobs.why_thanks", "rom"));
  const alert = await bed.app.db.jobAlert.findFirstOrThrow({
    where: { vacancyId: vacancy.id, locale: "ro", declineReason: "far" },
  });
  expect(alert.status).toBe("not_for_me");

  // Sending again sends nothing twice.
  const again = await sendJobAlerts(deps, { vacancyId: vacancy.id, today: "2026-11-23" });
  expect(again.sent).toEqual([]);
  expect(again.notNow.sort()).toEqual([ro.caseId, rom.caseId].sort());
});

test("/alerts sets every new job, once a week or none; before consent it says the privacy notice comes first", async () => {
  const newcomer = new TelegramUser(bed.app, bed.telegram, "en");
  const early = await newcomer.say("/alerts");
  expect(early.map((m) => m.text)).toEqual([t("jobs.alerts_need_consent", "en")]);
  expect(
    await bed.app.db.conversation.findFirst({ where: { externalConversationId: String(newcomer.userId) } }),
  ).toMatchObject({ clientId: null });

  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    organisation: "JobRoad",
  });
  const { user, caseId } = await assessedClient(programme.slug, counsellor.email, "rom", ["romani"]);
  const { clientId } = await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } });
  const frequency = async () =>
    (await bed.app.db.client.findUniqueOrThrow({ where: { id: clientId as string } })).alertFrequency;
  expect(await frequency()).toBe("every");

  const asked = await user.say("/alerts");
  expect(asked.at(-1)?.text).toBe(t("jobs.alerts_prompt", "rom"));
  expect(asked.at(-1)?.buttons).toEqual([
    { text: `🔔 ${t("jobs.alerts_every", "rom")}`, data: "frequency:every" },
    { text: `📅 ${t("jobs.alerts_weekly", "rom")}`, data: "frequency:weekly" },
    { text: `🔕 ${t("jobs.alerts_none", "rom")}`, data: "frequency:none" },
  ]);
  for (const choice of ["weekly", "none", "every"] as const) {
    if (choice !== "weekly") await user.say("/alerts");
    const saved = await user.tap(`frequency:${choice}`);
    expect(saved.at(-1)?.text).toBe(t(`jobs.alerts_${choice}_saved`, "rom"));
    expect(await frequency()).toBe(choice);
  }
});

test("weekly clients get no card at once: their alert waits for the digest; 'none' clients get no alert", async () => {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    organisation: "JobRoad",
  });
  const every = await assessedClient(programme.slug, counsellor.email, "ro", ["romanian"]);
  const weekly = await assessedClient(programme.slug, counsellor.email, "ro", ["romanian"]);
  const none = await assessedClient(programme.slug, counsellor.email, "ro", ["romanian"]);
  await weekly.user.say("/alerts");
  await weekly.user.tap("frequency:weekly");
  await none.user.say("/alerts");
  await none.user.tap("frequency:none");
  const vacancy = await createVacancy(bed.app.db, {
    organisationSlug: organisation.slug,
    employer: "Hotel Metropole",
    job: "Cameristă",
    sector: "kitchen_pastry",
    municipality: "Bruxelles",
    hours: "full_time",
    contractType: "CDD",
    texts: { ro: "Faci curat în camere." },
  });
  const deps = { db: bed.app.db, translator: bed.app.translator, outbox: bed.app.outbox };
  const now = new Date("2026-11-24T09:00:00Z");
  const report = await sendJobAlerts(deps, { vacancyId: vacancy.id, today: "2026-11-24", now });
  expect(report.sent).toEqual([every.caseId]);
  expect(report.digest).toEqual([weekly.caseId]);
  expect(report.excluded).toEqual([none.caseId]);

  const clientOf = async (caseId: string) =>
    (await bed.app.db.case.findUniqueOrThrow({ where: { id: caseId } })).clientId as string;
  const sentAlert = await bed.app.db.jobAlert.findUniqueOrThrow({
    where: { vacancyId_clientId: { vacancyId: vacancy.id, clientId: await clientOf(every.caseId) } },
  });
  expect(sentAlert).toMatchObject({ status: "sent", sentAt: now });
  const waiting = await bed.app.db.jobAlert.findUniqueOrThrow({
    where: { vacancyId_clientId: { vacancyId: vacancy.id, clientId: await clientOf(weekly.caseId) } },
  });
  expect(waiting).toMatchObject({ status: "digest_pending", sentAt: null, locale: "ro" });
  expect(
    await bed.app.db.jobAlert.findFirst({
      where: { vacancyId: vacancy.id, clientId: await clientOf(none.caseId) },
    }),
  ).toBeNull();

  await cardsTo(every.user); // the card of the "every" client went out…
  const [weeklyKeys, noneKeys] = await Promise.all(
    [weekly, none].map(async ({ caseId }) =>
      bed.app.db.message.count({
        where: { conversation: { clientId: await clientOf(caseId) }, idempotencyKey: { startsWith: "job-" } },
      }),
    ),
  );
  expect([weeklyKeys, noneKeys]).toEqual([0, 0]); // …and nothing was written for the other two
  expect(weekly.user.all().some((m) => m.text.startsWith("💼"))).toBe(false);

  const again = await sendJobAlerts(deps, { vacancyId: vacancy.id, today: "2026-11-24", now });
  expect(again).toMatchObject({ sent: [], digest: [] });
  expect(again.notNow.sort()).toEqual([every.caseId, weekly.caseId].sort());
});
