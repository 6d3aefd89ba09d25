/**
 * The console's forms that write to clients, posted again (a double-click, the browser's
 * "resubmit", a proxy's retry), over real HTTP with a signed-in counsellor, the real workers and
 * outbox and a fake Telegram: each rendered form carries a submission id, and the same submission
 * posted twice at once and once more after creates one Message / one broadcast / one appointment,
 * every post answers with the first one's redirect, and each client gets the message once. A new
 * rendering of the form (a new submission id) sends again, as a person who writes again means to.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, test } from "vitest";
import { broadcastOrganisation } from "../domain/broadcasts/segment-fixture.ts";
import { type ConsoleHttp, hiddenField, signInOverHttp } from "../support/console-session.ts";
import { outboundSettled } from "../support/outbound-settled.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
let base: string;

beforeAll(async () => {
  bed = await startTestBed({ telegram: true, workers: true });
  base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
}, 60_000);
afterAll(() => bed?.close());

/** Two Romanian-speaking clients on Telegram, their counsellor signed in to the console. */
async function world() {
  const { organisation, programmes, members } = await broadcastOrganisation(bed.app.db, [
    { locale: "ro" },
    { locale: "ro" },
  ]);
  // Quiet hours well away from now, so a broadcast for now goes at once whatever the time of day.
  const quiet = DateTime.now().setZone("Europe/Brussels").plus({ hours: 2 }).startOf("hour");
  await bed.app.db.programme.update({
    where: { id: programmes.a.id },
    data: {
      settings: {
        quietHours: { start: quiet.toFormat("HH:mm"), end: quiet.plus({ hours: 1 }).toFormat("HH:mm") },
      },
    },
  });
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  const console = await signInOverHttp(base, counsellor.email);
  const [first, second] = members;
  if (!first?.conversationId || !second?.conversationId) throw new Error("fixture");
  const reachable = (m: typeof first) => ({ ...m, conversationId: m.conversationId as string });
  return {
    organisation,
    programme: programmes.a,
    counsellor,
    console,
    first: reachable(first),
    second: reachable(second),
  };
}

/** Posts `form` twice at once, then once more: every answer, in order. */
async function resubmit(console: ConsoleHttp, path: string, form: Record<string, string | string[]>) {
  const racing = await Promise.all([console.post(path, form), console.post(path, form)]);
  return [...racing, await console.post(path, form)];
}

/** What the fake Telegram delivered to `chatId` that contains `text`, once the outbox is done with it. */
async function received(chatIds: string[], text: string): Promise<Map<string, number>> {
  await outboundSettled(bed.app.db, { externalConversationId: { in: chatIds } });
  const counts = new Map(chatIds.map((id) => [id, 0]));
  for (const sent of bed.telegram.sent())
    if (counts.has(String(sent.chat_id)) && String(sent.text ?? "").includes(text))
      counts.set(String(sent.chat_id), (counts.get(String(sent.chat_id)) ?? 0) + 1);
  return counts;
}

test("a counsellor's reply posted again is sent once, and every post redirects as the first did", async () => {
  const { console, counsellor, first } = await world();
  const page = await console.get(`/console/cases/${first.caseId}/conversation`);
  expect(page.status).toBe(200);
  const text = `Ne vedem mâine ${Date.now()}`;
  const form = {
    _csrf: hiddenField(page.body, "_csrf", 'id="text-form"'),
    submission: hiddenField(page.body, "submission", 'id="text-form"'),
    kind: "text",
    text,
  };
  const answers = await resubmit(console, `/console/cases/${first.caseId}/messages`, form);
  for (const answer of answers) {
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/console/cases/${first.caseId}/conversation?sent=1`);
  }
  const rows = await bed.app.db.message.findMany({ where: { conversationId: first.conversationId, text } });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ authorStaffId: counsellor.id, kind: "counsellor" });
  expect(rows[0]?.idempotencyKey).toBe(`staff:${first.caseId}:${form.submission}`);
  expect(await received([first.chatId], text)).toEqual(new Map([[first.chatId, 1]]));

  // The page drawn after the send has a new form: writing again is a new message.
  const again = await console.get(answers[0]?.location ?? "");
  const next = hiddenField(again.body, "submission", 'id="text-form"');
  expect(next).not.toBe(form.submission);
  expect(
    (await console.post(`/console/cases/${first.caseId}/messages`, { ...form, submission: next })).status,
  ).toBe(303);
  expect(await received([first.chatId], text)).toEqual(new Map([[first.chatId, 2]]));
}, 60_000);

test("a reply without a submission id is refused and sends nothing", async () => {
  const { console, first } = await world();
  const page = await console.get(`/console/cases/${first.caseId}/conversation`);
  const text = `Fără formular ${Date.now()}`;
  const answer = await console.post(`/console/cases/${first.caseId}/messages`, {
    _csrf: hiddenField(page.body, "_csrf"),
    submission: "not-a-uuid",
    kind: "text",
    text,
  });
  expect(answer.status).toBe(400);
  expect(answer.body).toContain("This form is out of date: nothing was sent.");
  expect(await bed.app.db.message.count({ where: { conversationId: first.conversationId, text } })).toBe(0);
}, 60_000);

test("a broadcast posted again is created once and reaches each client once", async () => {
  const { console, organisation, programme, first, second } = await world();
  const page = await console.get("/console/broadcasts/new");
  expect(page.status).toBe(200);
  const text = `Curs nou de stivuitorist ${Date.now()}`;
  const form = {
    _csrf: hiddenField(page.body, "_csrf", "broadcast-form"),
    submission: hiddenField(page.body, "submission", "broadcast-form"),
    programme: programme.slug,
    kind: "programme",
    when: "now",
    text_ro: text,
  };
  const answers = await resubmit(console, "/console/broadcasts", form);
  const broadcasts = await bed.app.db.broadcast.findMany({ where: { organisationId: organisation.id } });
  expect(broadcasts).toHaveLength(1);
  for (const answer of answers) {
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/console/broadcasts/${broadcasts[0]?.id}`);
  }
  const reached = [first.chatId, second.chatId];
  await expect
    .poll(() => received(reached, text), { timeout: 20_000 })
    .toEqual(new Map(reached.map((id) => [id, 1])));
  // Every recipient has their message written: nothing more comes.
  await expect
    .poll(
      async () => (await bed.app.db.broadcast.findUniqueOrThrow({ where: { id: broadcasts[0]?.id } })).status,
      {
        timeout: 20_000,
      },
    )
    .toBe("sent");
  expect(await received(reached, text)).toEqual(new Map(reached.map((id) => [id, 1])));
}, 60_000);

test("an appointment posted again is set once and the client is told once", async () => {
  const { console, first } = await world();
  const page = await console.get(`/console/cases/${first.caseId}`);
  expect(page.status).toBe(200);
  const day = DateTime.now().setZone("Europe/Brussels").plus({ days: 9 });
  const place = `Rue de la Loi ${Date.now() % 1000}, Bruxelles`;
  const form = {
    _csrf: hiddenField(page.body, "_csrf"),
    submission: hiddenField(page.body, "submission", `action="/console/cases/${first.caseId}/appointments"`),
    date: day.toISODate() ?? "",
    time: "10:00",
    purpose: "intake",
    location: place,
    withWhom: "Lena",
  };
  const answers = await resubmit(console, `/console/cases/${first.caseId}/appointments`, form);
  for (const answer of answers) {
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/console/cases/${first.caseId}?done=appointment_created#appointments`);
  }
  expect(await bed.app.db.appointment.count({ where: { caseId: first.caseId } })).toBe(1);
  const notices = await bed.app.db.message.findMany({
    where: { conversationId: first.conversationId, idempotencyKey: { startsWith: "appt-created:" } },
  });
  expect(notices).toHaveLength(1);
  expect(await received([first.chatId], place)).toEqual(new Map([[first.chatId, 1]]));
}, 60_000);
