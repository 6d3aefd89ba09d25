/**
 * Appointment reminders end to end: real BullMQ timers on the local Redis, the real outbox and
 * workers, the fake Telegram server. Reminders are set 2 h before an appointment placed 2 h and a
 * few seconds ahead, so they fire within seconds. Quiet hours are off for these programmes, so the
 * tests do not depend on the time of day they run at.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type AppointmentDeps,
  cancelAppointment,
  createAppointment,
  moveAppointment,
} from "../../src/domain/appointments/appointments.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import type { RecordedCall } from "../support/fake-telegram.ts";
import { onboardedOnTelegram } from "../support/onboarded-on-telegram.ts";
import type { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
let deps: AppointmentDeps;
const ZONE = "Europe/Brussels";

beforeAll(async () => {
  // Other test files share the database: `workers: true` leaves their nudges to their own reconciler.
  bed = await startTestBed({ telegram: true, workers: true, env: { TELEGRAM_CHAT_GAP_MS: "100" } });
  deps = {
    db: bed.app.db,
    queue: bed.app.nudgeQueue,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    defaultTimeZone: ZONE,
  };
});
afterAll(() => bed?.close());

const t = (key: string, locale: string, params?: Record<string, string>) =>
  bed.app.translator.t(key, locale, params);

/** A client onboarded in `locale` and linked to a fresh case of a programme without quiet hours. */
async function client(locale: string) {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, {
    ...FOYER,
    quietHours: false,
  });
  return onboardedOnTelegram(bed, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
    locale,
    questionnaire: "later",
  });
}

const sentTo = (user: TelegramUser, calls: RecordedCall[]) =>
  calls.filter(
    (c) => c.method === "sendMessage" && !c.errorCode && String(c.payload.chat_id) === String(user.userId),
  );
const inSeconds = (seconds: number) => new Date(Date.now() + 2 * 3600_000 + seconds * 1000).toISOString();
const reminderPrefix = (locale: string) =>
  t("appointments.reminder", locale, { purpose: "", when: "", where: "", map: "", with: "", bring: "" })
    .split("\n")[0]
    ?.slice(0, 6) ?? "";

async function waitForText(user: TelegramUser, startsWith: string, count = 1, timeoutMs = 15_000) {
  return bed.telegram.waitFor((calls) => {
    const found = sentTo(user, calls).filter((c) => String(c.payload.text).startsWith(startsWith));
    return found.length >= count ? found : undefined;
  }, timeoutMs);
}

describe("reminders", () => {
  test("Romanian: the client is told, the reminder fires once in local time with three buttons, and the answer reaches the counsellor", async () => {
    const { user, caseId } = await client("ro");
    const appointment = await createAppointment(deps, {
      caseId,
      at: inSeconds(4),
      location: "Rue de la Loi 1, 1000 Bruxelles",
      withWhom: "Lena",
      purpose: "job_interview",
      bringDocuments: ["identity_card", "cv"],
      bringNotes: { ro: "și o copie a contractului", fr: "et une copie du contrat" },
    });
    const when = bed.app.translator.formatDateTime(appointment.startsAt, "ro", ZONE);
    const [created] = await waitForText(user, "📅");
    expect(created?.payload.text).toContain(when);
    const [reminder] = await waitForText(user, reminderPrefix("ro"));
    expect(reminder?.payload.text).toContain(when);
    expect(reminder?.payload.text).toContain(t("appointments.purpose_job_interview", "ro"));
    const markup = reminder?.payload.reply_markup as
      | { inline_keyboard: { text: string; url?: string }[][] }
      | undefined;
    const buttons = markup?.inline_keyboard.flat() ?? [];
    expect(buttons.map((b) => b.text)).toEqual(
      ["answer_coming", "answer_cannot_come", "answer_reschedule", "open_map"].map((k) =>
        t(`appointments.${k}`, "ro"),
      ),
    );
    // The place is a URL button, not a link in the text; what to bring in Romanian only.
    expect(buttons.at(-1)).toMatchObject({
      url: expect.stringMatching(/^https:\/\/www\.openstreetmap\.org\//),
    });
    expect(reminder?.payload.text).not.toContain("http");
    expect(reminder?.payload.text).toContain("🎒 De adus: buletinul și CV-ul");
    expect(reminder?.payload.text).toContain("📝 și o copie a contractului");
    expect(reminder?.payload.text).not.toContain("copie du contrat");

    const thanks = await user.tap(/Vin/);
    expect(thanks.at(-1)?.text).toBe(t("appointments.thanks_coming", "ro"));
    expect((await bed.app.db.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).response).toBe(
      "coming",
    );
    const task = await bed.app.db.counsellorTask.findFirstOrThrow({ where: { caseId } });
    expect(task).toMatchObject({
      kind: "appointment.response",
      data: { appointmentId: appointment.id, answer: "coming" },
    });
    const nudges = await bed.app.db.nudge.findMany({ where: { subjectId: appointment.id } });
    expect(nudges.map((n) => [n.jobId, n.status])).toEqual([[`reminder:${appointment.id}:PT2H`, "sent"]]);
  });

  test("Arabic: the local time is isolated inside the right-to-left text", async () => {
    const { user, caseId } = await client("ar");
    const appointment = await createAppointment(deps, {
      caseId,
      at: inSeconds(3),
      location: "Fedasil, Rue de Trèves 1",
      withWhom: "Samir",
      purpose: "intake",
    });
    const [reminder] = await waitForText(user, reminderPrefix("ar"));
    const when = bed.app.translator.formatDateTime(appointment.startsAt, "ar", ZONE);
    expect(reminder?.payload.text).toContain(`\u2068${when}\u2069`);
  });

  test("moving an appointment replaces its reminder and tells the client; cancelling removes it", async () => {
    const { user, caseId } = await client("en");
    const moved = await createAppointment(deps, {
      caseId,
      at: inSeconds(120),
      location: "Actiris, Boulevard Anspach 65",
      withWhom: "An",
      purpose: "orientation",
    });
    await moveAppointment(deps, { appointmentId: moved.id, at: inSeconds(3) });
    await waitForText(user, "🔁");
    const cancelled = await createAppointment(deps, {
      caseId,
      at: inSeconds(3),
      location: "VDAB, Rue du Marché 1",
      withWhom: "An",
      purpose: "training",
    });
    await cancelAppointment(deps, { appointmentId: cancelled.id });
    await waitForText(user, "❌");

    await waitForText(user, reminderPrefix("en"));
    // No waiting for the cancelled reminder's moment: its timer is gone from the queue, which keeps
    // fired jobs (removeOnComplete: 1000), so it neither fired nor can fire (asserted below).
    const reminders = sentTo(user, bed.telegram.calls).filter((c) =>
      String(c.payload.text).startsWith(reminderPrefix("en")),
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.payload.text).toContain("Actiris");
    expect(
      (await bed.app.db.nudge.findMany({ where: { subjectId: cancelled.id } })).map((n) => n.status),
    ).toEqual(["cancelled"]);
    expect(await bed.app.nudgeQueue.getJob(`reminder:${cancelled.id}:PT2H`)).toBeUndefined();
  });

  test("/stop: a reminder that falls due is not sent, and says why", async () => {
    const { user, caseId } = await client("nl");
    const appointment = await createAppointment(deps, {
      caseId,
      at: inSeconds(2),
      location: "Rue Haute 1, Bruxelles",
      withWhom: "Jan",
      purpose: "intake",
    });
    await user.say("/stop");
    const nudge = await pollNudge(appointment.id, (s) => s !== "pending");
    expect(nudge).toMatchObject({ status: "skipped", reason: "conversation opted_out" });
    expect(
      sentTo(user, bed.telegram.calls).some((c) => String(c.payload.text).startsWith(reminderPrefix("nl"))),
    ).toBe(false);
  });

  test("a client who blocked the bot: the message fails visibly, the conversation is blocked, nudges stop", async () => {
    const { user, caseId } = await client("fr");
    bed.telegram.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    const first = await createAppointment(deps, {
      caseId,
      at: inSeconds(60),
      location: "Rue Neuve 1, Bruxelles",
      withWhom: "Marie",
      purpose: "training",
    });
    const conversation = await pollConversation(user, (c) => c.status === "blocked");
    const failed = await bed.app.db.message.findFirst({
      where: { conversationId: conversation.id, status: "failed" },
    });
    expect(failed?.error).toMatch(/^blocked/);
    await pollNudge(first.id, (s) => s === "cancelled");

    // Later appointments tell nobody, and their reminders are skipped when they fall due.
    const before = sentTo(user, bed.telegram.calls).length;
    const later = await createAppointment(deps, {
      caseId,
      at: inSeconds(2),
      location: "Rue Neuve 1, Bruxelles",
      withWhom: "Marie",
      purpose: "training",
    });
    expect(await pollNudge(later.id, (s) => s !== "pending")).toMatchObject({
      status: "skipped",
      reason: "conversation blocked",
    });
    expect(sentTo(user, bed.telegram.calls)).toHaveLength(before);
  });

  test("a 429 from Telegram: the message waits retry_after and is sent once", async () => {
    const { user, caseId } = await client("bg");
    bed.telegram.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      retry_after: 1,
    });
    await createAppointment(deps, {
      caseId,
      at: inSeconds(600),
      location: "Rue Neuve 2, Bruxelles",
      withWhom: "Ivan",
      purpose: "intake",
    });
    const sent = await waitForText(user, "📅");
    expect(sent).toHaveLength(1);
    const refused = bed.telegram.calls.filter(
      (c) => c.errorCode === 429 && String(c.payload.chat_id) === String(user.userId),
    );
    expect(refused.length).toBeGreaterThan(0);
  });
});

async function pollNudge(subjectId: string, until: (status: string) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nudge = await bed.app.db.nudge.findFirst({ where: { subjectId } });
    if (nudge && until(nudge.status)) return nudge;
    if (Date.now() > deadline) throw new Error(`nudge of ${subjectId} stayed ${nudge?.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function pollConversation(
  user: TelegramUser,
  until: (c: { status: string }) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const conversation = await bed.app.db.conversation.findUniqueOrThrow({
      where: {
        channel_externalConversationId: { channel: "telegram", externalConversationId: String(user.userId) },
      },
    });
    if (until(conversation)) return conversation;
    if (Date.now() > deadline) throw new Error(`conversation stayed ${conversation.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
