/**
 * An escalated check-in reaches the linked counsellor in Teams, end to end: a placement's check-in
 * nudge is fired (the nudge worker's own function, at its due time), the Teams client answers it
 * with the lowest mood, the check-in escalates, and the counsellor linked in Teams gets one card
 * with the case reference and the kind — never the client's answers. The real app, the real Teams
 * channel and outbox, the fake Bot Framework.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { checkInHandler } from "../../../src/domain/placements/checkins.ts";
import { recordPlacement } from "../../../src/domain/placements/placements.ts";
import { createLogger } from "../../../src/logger.ts";
import { fireNudge } from "../../../src/scheduling/nudge-worker.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import { consoleUrl, linkedStaff, waitFor } from "./staff-support.ts";
import {
  cardTap,
  message,
  onboardWithCode,
  post,
  readActivity,
  sentTo,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBed;
beforeAll(async () => {
  bed = await startTeamsTestBed({ workers: true });
});
afterAll(() => bed?.close());

async function say(activity: Record<string, unknown>) {
  expect((await post(bed, activity)).statusCode).toBe(200);
}

async function onboardedClient(programmeSlug: string, counsellorEmail: string) {
  const created = await createCase(bed.app.db, { programmeSlug, counsellorEmail, reference: "AP-007" });
  const user = teamsUser("en-GB", "Ana Popescu");
  await onboardWithCode(bed, user, created.inviteCode as string);
  return { user, caseId: created.id };
}

/** Fires the check-in at its due time, as the nudge worker does. */
async function fireCheckIn(placementId: string, point: string) {
  const checkIn = await bed.app.db.checkIn.findUniqueOrThrow({
    where: { placementId_point: { placementId, point } },
  });
  const deps = {
    db: bed.app.db,
    connection: bed.app.redis,
    prefix: bed.app.config.QUEUE_PREFIX,
    translator: bed.app.translator,
    outbox: bed.app.outbox,
    handlers: { checkin: checkInHandler() },
    logger: createLogger("silent"),
    now: () => new Date(checkIn.dueAt.getTime() + 1000),
  };
  expect(await fireNudge(deps, `checkin:${placementId}:${point}`)).toBe("sent");
  return checkIn.id;
}

const cardsTo = (user: TeamsUser, from: number) => sentTo(bed, user, from).filter((m) => m.card);

test("a check-in answered with the lowest mood: one Teams card to the counsellor, the case and the kind only", async () => {
  const { s } = await openProgramme(bed.app.db);
  const { staff, user: counsellor } = await linkedStaff(bed, `o-${s}`, { locale: "en" });
  const linkedAt = bed.fake.sent.length;
  const { user: ana, caseId } = await onboardedClient(`p-${s}`, staff.email);

  const placement = await recordPlacement(
    { db: bed.app.db, queue: bed.app.nudgeQueue, defaultTimeZone: "Europe/Brussels" },
    {
      caseId,
      employer: "Colruyt",
      job: "casier",
      startDate: new Date().toISOString().slice(0, 10),
      contractType: "interim",
    },
  );
  const anaFrom = bed.fake.sent.length;
  const checkInId = await fireCheckIn(placement.id, "week_1");
  const [question] = await waitFor(() => {
    const found = sentTo(bed, ana, anaFrom).filter((m) => m.choices.includes(`checkin:${checkInId}:1`));
    return found.length ? found : undefined;
  }, "the check-in card to the client");
  expect(question?.text).toBe(bed.app.translator.t("checkin.how_is_work", "en", { employer: "Colruyt" }));

  await say(cardTap(bed, ana, `checkin:${checkInId}:1`));
  const checkIn = await bed.app.db.checkIn.findUniqueOrThrow({ where: { id: checkInId } });
  expect(checkIn).toMatchObject({ mood: 1, escalated: true });

  const [card, ...more] = await waitFor(
    () => (cardsTo(counsellor, linkedAt).length ? cardsTo(counsellor, linkedAt) : undefined),
    "a card to the counsellor",
  );
  expect(card?.text).toBe("Ana (case AP-007): a check-in after their placement needs you");
  expect(more).toEqual([]);
  const raw = bed.fake.sent
    .slice(linkedAt)
    .filter((a) => a.conversationId === counsellor.conversationId)
    .map((a) => a.activity);
  expect(raw.map((a) => readActivity(a).text)).toEqual([card?.text]);
  const attachments = (raw[0]?.attachments ?? []) as { content: { actions: { url?: string }[] } }[];
  const action = attachments[0]?.content.actions[0];
  expect(action?.url).toBe(`${consoleUrl(bed)}/cases/${caseId}`);
  // Nothing of what the client was asked or answered reaches the counsellor's chat.
  const toCounsellor = JSON.stringify(raw);
  for (const word of ["Colruyt", "casier", bed.app.translator.t("checkin.mood_1", "en")])
    expect(toCounsellor).not.toContain(word);

  // The client writes words of their own: they never reach the counsellor, and no second card
  // comes within the 10 minutes.
  await say(message(bed, ana, "SECRET-4711 my boss shouts at me"));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(cardsTo(counsellor, linkedAt)).toHaveLength(1);
  expect(JSON.stringify(bed.fake.attempts)).not.toContain("SECRET-4711");
}, 60_000);
