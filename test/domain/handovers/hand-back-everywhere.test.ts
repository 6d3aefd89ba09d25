/**
 * A client linked on Telegram and Teams, with a question waiting in each app, asks for a person:
 * the bot holds both questions while the person answers. Handing back to the bot (a staff member,
 * or the quiet time) asks each question again in its own app, exactly once, through the outbox
 * (docs/decisions/0024-hand-back-in-every-conversation.md); a hand-back repeated, at once or
 * later, sends nothing more. An app the client blocked gets nothing. The real app between the
 * fake Bot API and the fake Bot Framework, on the real Postgres and Redis.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { handoverQuietHandler } from "../../../src/domain/handovers/handover-nudges.ts";
import { quietJobId } from "../../../src/domain/handovers/handovers.ts";
import { CLIENT_LOCALES } from "../../../src/i18n/translator.ts";
import { createLogger } from "../../../src/logger.ts";
import { fireNudge } from "../../../src/scheduling/nudge-worker.ts";
import {
  message,
  post,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBedWithTelegram,
  uninstalled,
} from "../../channels/teams/support.ts";
import { outboundSettled } from "../../support/outbound-settled.ts";
import { bearer } from "../../support/staff.ts";
import { type LinkedClient, linkedClient } from "./linked-client.ts";

let bed: TeamsTestBedWithTelegram;
beforeAll(async () => {
  bed = await startTeamsTestBed({ telegram: true, workers: true });
});
afterAll(() => bed?.close());

const ASK = "Consilierul meu"; // "my counsellor" in Romanian: asks for a person
const t = (key: string) => bed.app.translator.t(key, "ro");

/**
 * A linked client in the questionnaire on Telegram who typed /language in Teams (so a question
 * waits in each), then asked for a person on Telegram; with the two questions as they were asked.
 */
async function waitingInBoth() {
  const linked = await linkedClient(bed, { questionnaire: true });
  const telegramQuestion = linked.onTelegram
    .all()
    .filter((m) => m.buttons.length > 0)
    .at(-1)?.text;
  const from = bed.fake.sent.length;
  expect((await post(bed, message(bed, linked.onTeams, "/language"))).statusCode).toBe(200);
  await outboundSettled(bed.app.db, { clientId: linked.clientId });
  const teamsQuestion = sentTo(bed, linked.onTeams, from).at(-1)?.text;
  expect(teamsQuestion).toBe(t("onboarding.language_prompt"));
  expect(await linked.onTelegram.say(ASK)).toHaveLength(1); // when someone will answer
  const handover = await bed.app.db.handover.findFirstOrThrow({
    where: { clientId: linked.clientId, status: "open" },
  });
  return { linked, handover, telegramQuestion, teamsQuestion };
}

/** What each app got while `act` ran, once the outbox had nothing left to send them. */
async function sentDuring(linked: LinkedClient, act: () => Promise<unknown>) {
  const telegramFrom = linked.onTelegram.all().length;
  const teamsFrom = bed.fake.sent.length;
  await act();
  await outboundSettled(bed.app.db, { clientId: linked.clientId });
  return {
    telegram: linked.onTelegram
      .all()
      .slice(telegramFrom)
      .map((m) => m.text),
    teams: sentTo(bed, linked.onTeams, teamsFrom).map((m) => m.text),
  };
}

const handBack = (linked: LinkedClient, handoverId: string) =>
  bed.app.http.inject({
    method: "POST",
    url: `/api/v1/handovers/${handoverId}/hand-back`,
    headers: bearer(linked.counsellor),
  });

const quietDeps = () => ({
  db: bed.app.db,
  connection: bed.app.redis,
  prefix: bed.app.config.QUEUE_PREFIX,
  translator: bed.app.translator,
  outbox: bed.app.outbox,
  logger: createLogger("silent"),
  handlers: {
    handover_quiet: handoverQuietHandler(bed.app.flows, (now) => ({
      now,
      timeZone: "Europe/Brussels",
      locales: CLIENT_LOCALES,
    })),
  },
});

describe("handing back asks again, in every app of the client, the question waiting there", () => {
  test("a staff member hands back: each app gets its question once; a double click and a retry send nothing more", async () => {
    const { linked, handover, telegramQuestion, teamsQuestion } = await waitingInBoth();
    const sent = await sentDuring(linked, async () => {
      // A double click: two hand-backs at the same moment.
      const answers = await Promise.all([handBack(linked, handover.id), handBack(linked, handover.id)]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      expect(answers.map((a) => a.json().closed).sort()).toEqual([false, true]);
    });
    expect(sent.telegram).toEqual([t("handover.back"), telegramQuestion]);
    expect(sent.teams).toEqual([t("handover.back"), teamsQuestion]);

    // Retried later: nothing more, in either app.
    const again = await sentDuring(linked, async () => {
      const answer = await handBack(linked, handover.id);
      expect(answer.json()).toEqual({ closed: false });
    });
    expect(again).toEqual({ telegram: [], teams: [] });

    // The questions are the bot's again: Teams' language is answered there.
    const closed = await bed.app.db.handover.findUniqueOrThrow({ where: { id: handover.id } });
    expect(closed).toMatchObject({ status: "closed", closedReason: "staff" });
    const languageRun = await bed.app.db.flowRun.findFirstOrThrow({
      where: { conversationId: linked.teamsId, flowId: "language" },
    });
    expect(languageRun.status).toBe("active");
  }, 90_000);

  test("the quiet time hands back: each app gets its question once, the timer fired twice or not", async () => {
    const { linked, handover, telegramQuestion, teamsQuestion } = await waitingInBoth();
    const reply = await bed.app.http.inject({
      method: "POST",
      url: `/api/v1/cases/${linked.caseId}/messages`,
      headers: { ...bearer(linked.counsellor), "content-type": "application/json" },
      payload: JSON.stringify({ quickReply: "will_check" }),
    });
    expect(reply.statusCode).toBe(202);
    await outboundSettled(bed.app.db, { clientId: linked.clientId });
    const quiet = await bed.app.db.nudge.findUniqueOrThrow({ where: { jobId: quietJobId(handover.id) } });
    const quietAt = new Date(quiet.dueAt.getTime() + 1000);
    const deps = { ...quietDeps(), now: () => quietAt };
    const sent = await sentDuring(linked, async () => {
      const fired = await Promise.all([fireNudge(deps, quiet.jobId), fireNudge(deps, quiet.jobId)]);
      expect(fired.sort()).toEqual(["not pending", "sent"]);
    });
    expect(sent.telegram).toEqual([t("handover.back_quiet"), telegramQuestion]);
    expect(sent.teams).toEqual([t("handover.back_quiet"), teamsQuestion]);
  }, 90_000);

  test("an app the client blocked is not written to; the one they wrote in last still is", async () => {
    const { linked, handover, telegramQuestion } = await waitingInBoth();
    expect((await post(bed, uninstalled(bed, linked.onTeams))).statusCode).toBe(200);
    const sent = await sentDuring(linked, () => handBack(linked, handover.id));
    expect(sent).toEqual({ telegram: [t("handover.back"), telegramQuestion], teams: [] });
  }, 90_000);
});
