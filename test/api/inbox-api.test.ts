/**
 * The inbox over /api/v1, against the real app, Postgres, Redis and the fake Telegram: a Romani
 * client asks for their counsellor; the counsellor lists open handovers, reads the transcript,
 * answers with a quick reply that reaches the client in Romani (through the outbox, marked as
 * written by a person), gets a note when free text is not in the client's language, and hands
 * back to the bot. Tasks list it in words; an unanswered handover is flagged after the working
 * hours; another organisation sees none of it. An `Idempotency-Key` makes a retried message one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCase } from "../../src/domain/cases/cases.ts";
import {
  handoverQuietHandler,
  handoverUnansweredHandler,
} from "../../src/domain/handovers/handover-nudges.ts";
import { quietJobId, unansweredJobId } from "../../src/domain/handovers/handovers.ts";
import { openSession } from "../../src/domain/staff/staff-sessions.ts";
import { CLIENT_LOCALES } from "../../src/i18n/translator.ts";
import { createLogger } from "../../src/logger.ts";
import { fireNudge } from "../../src/scheduling/nudge-worker.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { outboundSettled } from "../support/outbound-settled.ts";
import { bearer, staffMember } from "../support/staff.ts";
import { TelegramUser } from "../support/telegram-user.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

let bed: TestBedWithTelegram;
beforeAll(async () => {
  bed = await startTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

/** An organisation, its counsellor (signed up, with a token), and a Romani client who tapped 🙋. */
async function waitingClient() {
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor", { locale: "nl" });
  const created = await createCase(bed.app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
  });
  const user = new TelegramUser(bed.app, bed.telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:rom");
  await user.tap("consent:accept");
  await user.tap("done:now");
  await user.tap("nav:counsellor");
  await user.say("Šaj avav tehara?");
  return { organisation, programme, counsellor, caseId: created.id, user };
}

const api = (method: "GET" | "POST", url: string, who: { apiToken: string }, payload?: unknown) =>
  bed.app.http.inject({
    method,
    url,
    headers: { ...bearer(who), ...(payload ? { "content-type": "application/json" } : {}) },
    ...(payload ? { payload: JSON.stringify(payload) } : {}),
  });

function sentTo(user: TelegramUser, text: string) {
  return bed.telegram.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === "sendMessage" &&
          String(c.payload.chat_id) === String(user.userId) &&
          c.payload.text === text,
      ),
    10_000,
  );
}

describe("the inbox API", () => {
  it("lists the open handover, shows the transcript, and a quick reply reaches the client in Romani", async () => {
    const w = await waitingClient();
    const listed = await api("GET", "/api/v1/handovers", w.counsellor);
    expect(listed.statusCode).toBe(200);
    const [handover] = listed.json().handovers;
    expect(handover).toMatchObject({
      caseId: w.caseId,
      reason: "asked:self_assessment:residence",
      flagged: false,
    });
    expect(Object.keys(handover)).toEqual(
      expect.arrayContaining(["id", "caseId", "conversationId", "reason", "createdAt"]),
    );

    const sent = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      quickReply: "come_to_office",
      params: { date: "2026-12-08", time: "10:30" },
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ messageId: expect.any(String), notInClientLanguage: false });
    const romani = bed.app.translator.t("quick-replies.come_to_office", "rom", {
      date: "8 Decembro 2026",
      time: "10:30",
    });
    expect(romani).toBe("🏢 Av ando biro ko 8 Decembro 2026, ko 10:30.");
    await sentTo(w.user, romani);

    const transcript = (await api("GET", `/api/v1/cases/${w.caseId}/messages`, w.counsellor)).json().messages;
    expect(transcript.map((m: { author: string }) => m.author)).toEqual(
      expect.arrayContaining(["client", "bot", "staff"]),
    );
    const ids = transcript.map((m: { id: string }) => BigInt(m.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids); // oldest first
    expect(transcript.find((m: { text: string }) => m.text === "Šaj avav tehara?")).toMatchObject({
      direction: "inbound",
    });
    const mine = transcript.find((m: { author: string }) => m.author === "staff");
    expect(mine).toMatchObject({ text: romani, staffName: w.counsellor.name, direction: "outbound" });
    expect(["queued", "sending", "sent"]).toContain(mine.status);

    const answered = await bed.app.db.handover.findUniqueOrThrow({ where: { id: handover.id } });
    expect(answered.answeredAt).not.toBeNull();
    const quiet = await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: quietJobId(handover.id) } });
    expect(quiet.status).toBe("pending");
    expect(
      (await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: unansweredJobId(handover.id) } })).status,
    ).toBe("cancelled");
  });

  it("free text goes as written, with a note when it is not in the client's language", async () => {
    const w = await waitingClient();
    const dutch = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      text: "Kom morgen om tien uur naar het kantoor, alsjeblieft.",
    });
    expect(dutch.statusCode).toBe(202);
    expect(dutch.json().notInClientLanguage).toBe(true);
    await sentTo(w.user, "Kom morgen om tien uur naar het kantoor, alsjeblieft.");
    const romani = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      text: "Av ando biro tehara, ko deš ora, mangav tut.",
    });
    expect(romani.json().notInClientLanguage).toBe(false);
  });

  it("an Idempotency-Key makes a retried message one message; another message under it is refused", async () => {
    const w = await waitingClient();
    const url = `/api/v1/cases/${w.caseId}/messages`;
    const text = `Av ando biro tehara ${Date.now()}`;
    const post = (key: string, body: unknown, who = w.counsellor) =>
      bed.app.http.inject({
        method: "POST",
        url,
        headers: { ...bearer(who), "content-type": "application/json", "idempotency-key": key },
        payload: JSON.stringify(body),
      });
    const key = "retry-7f3c2a";
    const racing = await Promise.all([post(key, { text }), post(key, { text })]);
    const answers = [...racing, await post(key, { text })];
    for (const answer of answers) expect(answer.statusCode).toBe(202);
    const ids = new Set(answers.map((answer) => answer.json().messageId));
    expect(ids.size).toBe(1);
    await sentTo(w.user, text);
    await outboundSettled(bed.app.db, { externalUserId: String(w.user.userId) });
    expect(w.user.all().filter((m) => m.text === text)).toHaveLength(1);
    expect(await bed.app.db.message.count({ where: { text } })).toBe(1);

    const other = await post(key, { text: "Something else" });
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toContain("idempotency key");
    expect((await post("has space", { text })).statusCode).toBe(400);
    // A colleague's key is theirs: the same string from them is a message of their own.
    const colleague = await staffMember(bed.app.db, w.organisation.slug, "counsellor");
    const theirs = await post(key, { text }, colleague);
    expect(theirs.statusCode).toBe(202);
    expect(ids.has(theirs.json().messageId)).toBe(false);
    const openapi = (await bed.app.http.inject({ url: "/api/v1/openapi.json" })).json();
    const parameters = openapi.paths["/api/v1/cases/{id}/messages"].post.parameters;
    expect(parameters).toContainEqual(expect.objectContaining({ name: "idempotency-key", in: "header" }));
  });

  it("refuses what cannot be sent: unknown quick reply (400 with issues), missing parameters, empty text", async () => {
    const w = await waitingClient();
    const unknown = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      quickReply: "nope",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().issues.length).toBeGreaterThan(0);
    const missing = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      quickReply: "come_to_office",
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toContain("date");
    const badDate = await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, {
      quickReply: "come_to_office",
      params: { date: "2026-02-30", time: "10:30" },
    });
    expect(badDate.statusCode).toBe(400);
    expect(
      (await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, { text: "  " })).statusCode,
    ).toBe(400);
    const openapi = (await bed.app.http.inject({ url: "/api/v1/openapi.json" })).json();
    expect(JSON.stringify(openapi)).toContain('"come_to_office"');
  });

  it("hands back to the bot: the client is told, with the question they were at", async () => {
    const w = await waitingClient();
    const [handover] = (await api("GET", "/api/v1/handovers", w.counsellor)).json().handovers;
    const back = await api("POST", `/api/v1/handovers/${handover.id}/hand-back`, w.counsellor);
    expect(back.json()).toEqual({ closed: true });
    await sentTo(w.user, bed.app.translator.t("handover.back", "rom"));
    await sentTo(w.user, bed.app.translator.t("assessment.residence_prompt", "rom"));
    expect((await api("GET", "/api/v1/handovers", w.counsellor)).json().handovers).toEqual([]);
    expect((await api("POST", `/api/v1/handovers/${handover.id}/hand-back`, w.counsellor)).json()).toEqual({
      closed: false,
    });
    // Back with the bot: the answer goes to the questionnaire again.
    const next = await w.user.tap("residence:eu_citizen");
    // (The replies since the last look include the hand-back messages the outbox sent meanwhile.)
    expect(next.at(-1)?.text).toBe(bed.app.translator.t("assessment.housing_prompt", "rom"));
  });

  it("lists tasks in words in the counsellor's language; done and reassign", async () => {
    const w = await waitingClient();
    const colleague = await staffMember(bed.app.db, w.organisation.slug, "counsellor");
    const tasks = (await api("GET", "/api/v1/tasks", w.counsellor)).json().tasks;
    const task = tasks.find((t: { caseId: string }) => t.caseId === w.caseId);
    expect(task).toMatchObject({
      kind: "handover",
      assigneeStaffId: w.counsellor.id,
      description: "Wil met een persoon praten: tikte “Vraag aan mijn begeleider” bij een vraag",
    });
    const moved = await api("POST", `/api/v1/tasks/${task.id}/reassign`, w.counsellor, {
      staffEmail: colleague.email,
    });
    expect(moved.json().assigneeStaffId).toBe(colleague.id);
    const done = await api("POST", `/api/v1/tasks/${task.id}/done`, w.counsellor);
    expect(done.json()).toMatchObject({ status: "done" });
    const open = (await api("GET", "/api/v1/tasks", w.counsellor)).json().tasks;
    expect(open.map((t: { id: string }) => t.id)).not.toContain(task.id);
    const stranger = await api("POST", `/api/v1/tasks/${task.id}/reassign`, w.counsellor, {
      staffEmail: "nobody@example.org",
    });
    expect(stranger.statusCode).toBe(400);
  });

  it("flags a handover nobody answered in the working hours, and gives an answered quiet one back", async () => {
    const w = await waitingClient();
    const [handover] = (await api("GET", "/api/v1/handovers", w.counsellor)).json().handovers;
    expect(handover.channel).toBe("telegram");
    const flaggedBefore = (await api("GET", "/api/v1/handovers?flagged=true", w.counsellor)).json().handovers;
    expect(flaggedBefore.map((h: { id: string }) => h.id)).not.toContain(handover.id);
    const nudge = await bed.app.db.nudge.findUniqueOrThrow({
      where: { jobId: unansweredJobId(handover.id) },
    });
    const deps = {
      db: bed.app.db,
      connection: bed.app.redis,
      prefix: bed.app.config.QUEUE_PREFIX,
      translator: bed.app.translator,
      outbox: bed.app.outbox,
      logger: createLogger("silent"),
      handlers: {
        handover_unanswered: handoverUnansweredHandler(),
        handover_quiet: handoverQuietHandler(bed.app.flows, (now) => ({
          now,
          timeZone: "Europe/Brussels",
          locales: CLIENT_LOCALES,
        })),
      },
    };
    const later = new Date(nudge.dueAt.getTime() + 1000);
    expect(await fireNudge({ ...deps, now: () => later }, nudge.jobId)).toBe("sent");
    await sentTo(w.user, bed.app.translator.t("handover.escalated", "rom"));
    const flagged = (await api("GET", "/api/v1/handovers", w.counsellor)).json().handovers[0];
    expect(flagged.flagged).toBe(true);
    // The coordinator's view: only the flagged ones, on the API and on the console's inbox filter.
    const onlyFlagged = (await api("GET", "/api/v1/handovers?flagged=true", w.counsellor)).json().handovers;
    expect(onlyFlagged.map((h: { id: string }) => h.id)).toEqual([handover.id]);
    const cookie = `ceb_session=${await openSession(bed.app.db, w.counsellor.id)}`;
    const page = await bed.app.http.inject({
      method: "GET",
      url: "/console/inbox?flagged=1",
      headers: { cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/console/cases/${w.caseId}/conversation`);
    expect(page.body).toContain("Te laat beantwoord (1)");
    expect(page.body).toContain("Telegram");
    const tasks = (await api("GET", "/api/v1/tasks", w.counsellor)).json().tasks;
    expect(tasks.map((t: { kind: string }) => t.kind)).toContain("handover.unanswered");

    await api("POST", `/api/v1/cases/${w.caseId}/messages`, w.counsellor, { quickReply: "will_check" });
    const quiet = await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: quietJobId(handover.id) } });
    expect(await fireNudge({ ...deps, now: () => new Date(quiet.dueAt.getTime() + 1000) }, quiet.jobId)).toBe(
      "sent",
    );
    await sentTo(w.user, bed.app.translator.t("handover.back_quiet", "rom"));
    expect((await bed.app.db.handover.findUniqueOrThrow({ where: { id: handover.id } })).closedReason).toBe(
      "quiet_time",
    );
  });

  it("shows another organisation none of it: empty lists, 404 for the case and the handover", async () => {
    const w = await waitingClient();
    const [handover] = (await api("GET", "/api/v1/handovers", w.counsellor)).json().handovers;
    const other = await organisationWithCounsellor(bed.app.db);
    const outsider = await staffMember(bed.app.db, other.organisation.slug, "coordinator");
    const theirs = (await api("GET", "/api/v1/handovers", outsider)).json().handovers;
    expect(theirs.map((h: { id: string }) => h.id)).not.toContain(handover.id);
    expect((await api("GET", `/api/v1/cases/${w.caseId}/messages`, outsider)).statusCode).toBe(404);
    expect(
      (await api("POST", `/api/v1/cases/${w.caseId}/messages`, outsider, { text: "hi" })).statusCode,
    ).toBe(404);
    expect((await api("POST", `/api/v1/handovers/${handover.id}/hand-back`, outsider)).statusCode).toBe(404);
    const tasks = (await api("GET", "/api/v1/tasks", outsider)).json().tasks;
    expect(tasks.map((t: { caseId: string }) => t.caseId)).not.toContain(w.caseId);
    // A steward of the same organisation who did not bring this client in sees none of it either.
    const steward = await staffMember(bed.app.db, w.organisation.slug, "steward");
    expect((await api("GET", "/api/v1/handovers", steward)).json().handovers).toEqual([]);
    expect((await api("GET", `/api/v1/cases/${w.caseId}/messages`, steward)).statusCode).toBe(404);
  });
});
