/**
 * A web chat that remembers, over the page's HTTP API with the real conversation core: the
 * transcript comes back whole (both sides, in order), an older appointment's buttons stay live
 * while old questions are spent, and /delete answers `erased` so the page can say what went.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createAppointment } from "../../src/domain/appointments/appointments.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { FOYER, organisationWithCounsellor } from "../domain/fixtures.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ workers: true });
});
afterAll(() => bed?.close());

const t = (key: string, locale: string) => bed.app.translator.t(key, locale);

interface Transcript {
  messages: { id: string; text: string; choices: { id: string; label: string }[] }[];
  client: { id: string; text: string; clientMessageId?: string; choiceId?: string }[];
  live: string[];
  erased?: boolean;
}

async function post(
  sessionId: string,
  body: { text?: string; choiceId?: string },
  messageId = randomUUID().replaceAll("-", ""),
) {
  const response = await bed.app.http.inject({
    method: "POST",
    url: "/chat/api/messages",
    payload: { sessionId, messageId, ...body },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as Transcript;
}

async function transcript(sessionId: string): Promise<Transcript> {
  const response = await bed.app.http.inject({
    method: "GET",
    url: `/chat/api/messages?sessionId=${sessionId}&after=0`,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as Transcript;
}

/** A web chat client linked to a counsellor's case, at the residence question. */
async function linkedClient(): Promise<{ sessionId: string; caseId: string }> {
  const { programme, counsellor } = await organisationWithCounsellor(bed.app.db, FOYER);
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const session = await bed.app.http.inject({ method: "POST", url: "/chat/api/sessions" });
  const sessionId = session.json().sessionId as string;
  await post(sessionId, { text: `/start ${created.inviteCode}` });
  await post(sessionId, { choiceId: "language:ro" });
  await post(sessionId, { choiceId: "consent:accept" });
  await post(sessionId, { choiceId: "done:now" });
  return { sessionId, caseId: created.id };
}

test("after a reload the transcript comes back whole: both sides, in order", async () => {
  const { sessionId } = await linkedClient();
  await post(sessionId, { choiceId: "residence:eu_citizen" });
  await post(sessionId, { choiceId: "housing:rented" });
  await post(sessionId, { text: "Anderlecht" }, "typed-anderlecht-0001");
  await post(sessionId, { choiceId: "transport:walk" }); // a tick: no bubble of its own
  const all = await transcript(sessionId);
  const items = [
    ...all.messages.map((m) => ({ id: BigInt(m.id), side: "bot", text: m.text })),
    ...all.client.map((m) => ({ id: BigInt(m.id), side: "client", text: m.text })),
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  const client = items.filter((i) => i.side === "client").map((i) => i.text);
  // Before consent nothing typed is kept; the taps are shown by their labels.
  expect(client).toEqual([
    `${t("meta.emoji", "ro")} ${t("meta.native_name", "ro")}`,
    t("onboarding.consent_accept", "ro"),
    t("assessment.offer_yes", "ro"),
    `🇪🇺 ${t("assessment.residence_eu_citizen", "ro")}`,
    `🏠 ${t("assessment.housing_rented", "ro")}`,
    "Anderlecht",
  ]);
  const typed = items.findIndex((i) => i.text === "Anderlecht");
  expect(items[typed - 1]?.text).toBe(t("assessment.place_prompt", "ro"));
  expect(items[typed + 1]?.text).toBe(t("assessment.transport_prompt", "ro"));
  expect(all.client.find((m) => m.text === "Anderlecht")?.clientMessageId).toBe("typed-anderlecht-0001");
});

test("an older appointment's buttons stay live; answered questions are spent", async () => {
  const { sessionId, caseId } = await linkedClient();
  await createAppointment(
    {
      db: bed.app.db,
      queue: bed.app.nudgeQueue,
      translator: bed.app.translator,
      outbox: bed.app.outbox,
      defaultTimeZone: "Europe/Brussels",
    },
    { caseId, at: "2099-03-02 10:00", location: "Rue de la Loi 1", withWhom: "Lena", purpose: "intake" },
  );
  await expect
    .poll(
      async () =>
        (await transcript(sessionId)).messages.some((m) => m.choices.some((c) => c.id.startsWith("appt:"))),
      {
        timeout: 15_000,
      },
    )
    .toBe(true);
  await post(sessionId, { choiceId: "residence:eu_citizen" });
  const after = await post(sessionId, { choiceId: "housing:rented" });
  const all = await transcript(sessionId);
  const appointment = all.messages.find((m) => m.choices.some((c) => c.id.startsWith("appt:")));
  const residence = all.messages.find((m) => m.choices.some((c) => c.id.startsWith("residence:")));
  const place = all.messages.at(-1);
  expect(place?.text).toBe(t("assessment.place_prompt", "ro"));
  expect(all.live).toContain(appointment?.id);
  expect(all.live).toContain(place?.id);
  expect(all.live).not.toContain(residence?.id);
  expect(after.live).toEqual(all.live);
  // The appointment's button still answers, long after.
  const answer = await post(sessionId, { choiceId: appointment?.choices[0]?.id ?? "" });
  expect(answer.messages.length).toBeGreaterThan(0);
});

test("/delete answers erased: the page can say what was deleted", async () => {
  const { sessionId } = await linkedClient();
  await post(sessionId, { text: "/delete" });
  const done = await post(sessionId, { choiceId: "confirm:erase" });
  expect(done.erased).toBe(true);
  const gone = await bed.app.http.inject({
    method: "GET",
    url: `/chat/api/messages?sessionId=${sessionId}&after=0`,
  });
  expect(gone.statusCode).toBe(401);
});
