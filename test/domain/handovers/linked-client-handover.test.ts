/**
 * A client linked on Telegram and Teams waits for a person in one handover, whichever app they
 * ask in (docs/decisions/0020-one-handover-per-client.md): asking in the other app joins the open
 * one (no second task, timer or inbox card), the bot stays quiet in both, the counsellor's reply
 * and the "back to the bot" notices go to the app the client wrote in last, and two requests at
 * the same moment on the two apps still open one. The real app between the fake Bot API and the
 * fake Bot Framework, on the real Postgres and Redis.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  handoverQuietHandler,
  handoverUnansweredHandler,
} from "../../../src/domain/handovers/handover-nudges.ts";
import { quietJobId, unansweredJobId } from "../../../src/domain/handovers/handovers.ts";
import { openSession } from "../../../src/domain/staff/staff-sessions.ts";
import { CLIENT_LOCALES } from "../../../src/i18n/translator.ts";
import { createLogger } from "../../../src/logger.ts";
import { idleFlowHandler } from "../../../src/scheduling/idle-nudges.ts";
import { fireNudge } from "../../../src/scheduling/nudge-worker.ts";
import {
  cardTap,
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBedWithTelegram,
  type TeamsUser,
} from "../../channels/teams/support.ts";
import { bearer } from "../../support/staff.ts";
import { type LinkedClient, linkedClient as linkedClientOn } from "./linked-client.ts";

let bed: TeamsTestBedWithTelegram;
beforeAll(async () => {
  bed = await startTeamsTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

const ASK = "Consilierul meu"; // "my counsellor" in Romanian: asks for a person

const linkedClient = (options: { questionnaire?: boolean } = {}) => linkedClientOn(bed, options);
type Linked = LinkedClient;

/** What the bot sent to the Teams chat while `act` ran. */
async function onTeamsDuring(onTeams: TeamsUser, act: () => Promise<unknown>) {
  const from = bed.fake.sent.length;
  await act();
  return sentTo(bed, onTeams, from).map((m) => m.text);
}

const say = (onTeams: TeamsUser, text: string) => post(bed, message(bed, onTeams, text));

/** Waits until the Teams chat has been sent `text`. */
async function teamsGets(onTeams: TeamsUser, text: string) {
  for (let i = 0; i < 100; i++) {
    if (sentTo(bed, onTeams).some((m) => m.text === text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Teams never got ${JSON.stringify(text)}`);
}

/** The client's handovers, tasks and "unanswered" timers. */
async function handoversOf(linked: Linked) {
  const handovers = await bed.app.db.handover.findMany({
    where: { conversation: { clientId: linked.clientId } },
    orderBy: { createdAt: "asc" },
  });
  const tasks = await bed.app.db.counsellorTask.findMany({
    where: { caseId: linked.caseId, kind: "handover" },
  });
  const unanswered = await bed.app.db.nudge.findMany({
    where: { caseId: linked.caseId, kind: "handover_unanswered" },
  });
  return { handovers, open: handovers.filter((h) => h.status === "open"), tasks, unanswered };
}

async function consolePage(url: string, staffId: string) {
  const token = await openSession(bed.app.db, staffId);
  const response = await bed.app.http.inject({ url, headers: { cookie: `ceb_session=${token}` } });
  expect(response.statusCode).toBe(200);
  return response.body;
}

const api = (method: "GET" | "POST", url: string, who: { apiToken: string }, payload?: unknown) =>
  bed.app.http.inject({
    method,
    url,
    headers: { ...bearer(who), ...(payload ? { "content-type": "application/json" } : {}) },
    ...(payload ? { payload: JSON.stringify(payload) } : {}),
  });

const t = (key: string) => bed.app.translator.t(key, "ro");

describe("a client linked on two channels waits in one handover", () => {
  test("asking in Teams after Telegram joins the open handover: one task, one timer, one card; the bot waits in both", async () => {
    const linked = await linkedClient();
    expect(await linked.onTelegram.say(ASK)).toHaveLength(1); // when someone will answer
    const first = await handoversOf(linked);
    expect(first.open).toHaveLength(1);
    const handover = first.open[0];
    expect(handover?.conversationId).toBe(linked.telegramId);

    // 🙋 from the menu on Teams: told again when someone answers, in the same handover.
    expect(await onTeamsDuring(linked.onTeams, () => say(linked.onTeams, "/counsellor"))).toHaveLength(1);
    const joined = await handoversOf(linked);
    expect(joined.handovers.map((h) => h.id)).toEqual([handover?.id]);
    expect(joined.handovers[0]?.lastClientAt.getTime()).toBeGreaterThan(
      handover?.lastClientAt.getTime() ?? 0,
    );
    expect(joined.tasks).toHaveLength(1);
    expect(joined.unanswered).toHaveLength(1);

    // What she writes now, in either app, is for the person: no bot answer, no flow prompt.
    expect(await onTeamsDuring(linked.onTeams, () => say(linked.onTeams, "Salut din Teams"))).toEqual([]);
    expect(await linked.onTelegram.say("Salut de pe Telegram")).toEqual([]);
    const after = await handoversOf(linked);
    expect(after.handovers).toHaveLength(1);
    expect(after.tasks).toHaveLength(1);

    // The inbox: one card for her; the thread holds both apps' messages.
    const inbox = await consolePage("/console/inbox", linked.counsellor.id);
    expect(inbox.split(`href="/console/cases/${linked.caseId}/conversation"`)).toHaveLength(2);
    const listed = (await api("GET", "/api/v1/handovers", linked.counsellor)).json().handovers;
    expect(listed.filter((h: { caseId: string }) => h.caseId === linked.caseId)).toHaveLength(1);
    const transcript = (await api("GET", `/api/v1/cases/${linked.caseId}/messages`, linked.counsellor)).json()
      .messages as { text: string | null; channel: string }[];
    expect(transcript.filter((m) => m.text?.startsWith("Salut")).map((m) => [m.text, m.channel])).toEqual([
      ["Salut din Teams", "teams"],
      ["Salut de pe Telegram", "telegram"],
    ]);
  }, 60_000);

  test("the counsellor's reply goes where she wrote last and answers the handover; handing back says so there", async () => {
    const linked = await linkedClient();
    await linked.onTelegram.say(ASK);
    const [handover] = (await handoversOf(linked)).open;
    await say(linked.onTeams, "Pot veni maine?"); // she writes last in Teams

    const sent = await api("POST", `/api/v1/cases/${linked.caseId}/messages`, linked.counsellor, {
      text: "Da, la 10.",
    });
    expect(sent.statusCode).toBe(202);
    await teamsGets(linked.onTeams, "Da, la 10.");
    const answered = await bed.app.db.handover.findUniqueOrThrow({ where: { id: handover?.id } });
    expect(answered.answeredAt).not.toBeNull();
    const timers = await bed.app.db.nudge.findMany({ where: { subjectId: handover?.id } });
    expect(Object.fromEntries(timers.map((n) => [n.kind, n.status]))).toEqual({
      handover_unanswered: "cancelled",
      handover_quiet: "pending",
    });

    const telegramBefore = linked.onTelegram.all().length;
    const back = await api("POST", `/api/v1/handovers/${handover?.id}/hand-back`, linked.counsellor);
    expect(back.statusCode).toBe(200);
    await teamsGets(linked.onTeams, t("handover.back"));
    expect(linked.onTelegram.all().slice(telegramBefore)).toEqual([]);
    const done = await handoversOf(linked);
    expect(done.open).toEqual([]);
    expect(done.tasks.map((task) => task.status)).toEqual(["done"]);
    // The bot is back in both: text no question waits for goes to a person again, as a new handover.
    expect(await linked.onTelegram.say("Inca ceva")).toHaveLength(1);
    expect((await handoversOf(linked)).open).toHaveLength(1);
  }, 60_000);

  test("the unanswered and quiet-time notices go where she wrote last; quiet time closes the one handover", async () => {
    const linked = await linkedClient();
    await linked.onTelegram.say(ASK);
    const [handover] = (await handoversOf(linked)).open;
    await say(linked.onTeams, "Ma auziti?");
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
    const telegramBefore = linked.onTelegram.all().length;
    const unanswered = await bed.app.db.nudge.findUniqueOrThrow({
      where: { jobId: unansweredJobId(handover?.id ?? "") },
    });
    const late = new Date(unanswered.dueAt.getTime() + 1000);
    expect(await fireNudge({ ...deps, now: () => late }, unanswered.jobId)).toBe("sent");
    await teamsGets(linked.onTeams, t("handover.escalated"));

    await api("POST", `/api/v1/cases/${linked.caseId}/messages`, linked.counsellor, {
      quickReply: "will_check",
    });
    const quiet = await bed.app.db.nudge.findUniqueOrThrow({
      where: { jobId: quietJobId(handover?.id ?? "") },
    });
    const quietAt = new Date(quiet.dueAt.getTime() + 1000);
    expect(await fireNudge({ ...deps, now: () => quietAt }, quiet.jobId)).toBe("sent");
    await teamsGets(linked.onTeams, t("handover.back_quiet"));
    expect(linked.onTelegram.all().slice(telegramBefore)).toEqual([]);
    const closed = await handoversOf(linked);
    expect(closed.handovers.map((h) => [h.status, h.closedReason])).toEqual([["closed", "quiet_time"]]);
  }, 60_000);

  test("asking in Teams while a question waits in Telegram: Telegram's flow waits for the person too (no answer, no idle nudge)", async () => {
    const linked = await linkedClient({ questionnaire: true });
    const waiting = await bed.app.db.flowRun.findFirstOrThrow({
      where: { conversationId: linked.telegramId, flowId: "self_assessment", status: "active" },
    });
    expect(await onTeamsDuring(linked.onTeams, () => say(linked.onTeams, ASK))).toHaveLength(1);
    const [handover] = (await handoversOf(linked)).open;
    expect(handover?.conversationId).toBe(linked.teamsId);

    // Her text in Telegram is for the person: the question is not answered, nothing is asked.
    expect(await linked.onTelegram.say("Locuiesc la fratele meu")).toEqual([]);
    const still = await bed.app.db.flowRun.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(still).toMatchObject({ status: "active", stepId: waiting.stepId });
    const idle = await bed.app.db.nudge.findFirstOrThrow({
      where: { subjectId: waiting.id, kind: "idle_flow", status: "pending" },
      orderBy: { dueAt: "asc" },
    });
    const deps = {
      db: bed.app.db,
      connection: bed.app.redis,
      prefix: bed.app.config.QUEUE_PREFIX,
      translator: bed.app.translator,
      outbox: bed.app.outbox,
      logger: createLogger("silent"),
      handlers: {
        idle_flow: idleFlowHandler(bed.app.flows, (now) => ({
          now,
          timeZone: "Europe/Brussels",
          locales: CLIENT_LOCALES,
        })),
      },
    };
    const due = new Date(idle.dueAt.getTime() + 1000);
    expect(await fireNudge({ ...deps, now: () => due }, idle.jobId)).toBe("skipped: a person is answering");
  }, 60_000);

  test("two requests at the same moment in Telegram and Teams open one handover", async () => {
    for (let round = 0; round < 3; round++) {
      const linked = await linkedClient();
      const [telegramAnswer, teamsAnswer] = await Promise.all([
        linked.onTelegram.say(ASK),
        say(linked.onTeams, ASK),
      ]);
      expect(telegramAnswer).toHaveLength(1);
      expect(teamsAnswer.statusCode).toBe(200);
      const both = await handoversOf(linked);
      expect(both.handovers).toHaveLength(1);
      expect(both.open).toHaveLength(1);
      expect(both.tasks).toHaveLength(1);
      expect(both.unanswered).toHaveLength(1);
    }
  }, 90_000);

  test("/delete in Teams erases the handover asked for in Telegram: no card is left", async () => {
    const linked = await linkedClient();
    await linked.onTelegram.say(ASK);
    await say(linked.onTeams, "Salut");
    await say(linked.onTeams, "/delete");
    await post(bed, cardTap(bed, linked.onTeams, "confirm:erase"));
    expect(await bed.app.db.handover.count({ where: { clientId: linked.clientId } })).toBe(0);
    expect(
      await bed.app.db.conversation.count({ where: { id: { in: [linked.telegramId, linked.teamsId] } } }),
    ).toBe(0);
    const listed = (await api("GET", "/api/v1/handovers", linked.counsellor)).json().handovers;
    expect(listed.filter((h: { caseId: string }) => h.caseId === linked.caseId)).toEqual([]);
  }, 60_000);
});
