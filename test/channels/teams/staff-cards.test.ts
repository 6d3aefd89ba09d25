/**
 * A counsellor linked in Teams hears about what needs them as an Adaptive Card: a handover gives one
 * card ("Ana (dossier AP-001) vraagt naar jou", in their console language) with an Action.OpenUrl to
 * the case in the console, never the client's words; a second handover of the same case within 10
 * minutes gives none; a staff member who turned cards off gets none; a staff member of another
 * organisation never gets one. The real app, the real Teams channel and outbox, the fake Bot Framework.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { closeHandover } from "../../../src/domain/handovers/hand-back.ts";
import { setTeamsCards } from "../../../src/domain/staff/teams-settings.ts";
import { createTask } from "../../../src/domain/tasks/tasks.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import type { SentActivity } from "../../support/fake-bot-framework.ts";
import { consoleUrl, linkedStaff, waitFor } from "./staff-support.ts";
import {
  cardTap,
  message,
  onboardWithCode,
  post,
  startTeamsTestBed,
  type TeamsTestBed,
  type TeamsUser,
  teamsUser,
} from "./support.ts";

let bed: TeamsTestBed;
const SECRET = "SECRET-4711 my residence card expires";

beforeAll(async () => {
  bed = await startTeamsTestBed({ workers: true });
});
afterAll(() => bed?.close());

async function say(activity: Record<string, unknown>) {
  expect((await post(bed, activity)).statusCode).toBe(200);
}

/** An organisation with a programme (no quiet hours). */
async function organisation() {
  const { s, programme } = await openProgramme(bed.app.db);
  return { slug: `o-${s}`, programmeSlug: `p-${s}`, id: programme.organisationId };
}

/** A Teams client "Ana Popescu" onboarded on a case of `counsellorEmail`, reference AP-001. */
async function client(programmeSlug: string, counsellorEmail: string) {
  const created = await createCase(bed.app.db, { programmeSlug, counsellorEmail, reference: "AP-001" });
  const user = teamsUser("en-GB", "Ana Popescu");
  await onboardWithCode(bed, user, created.inviteCode as string);
  return { user, caseId: created.id };
}

/** Where each linked staff member's chat stood once linked (before: the greeting of any new chat). */
const linkedAt = new Map<string, number>();
async function linked(...args: Parameters<typeof linkedStaff> extends [unknown, ...infer R] ? R : never) {
  const found = await linkedStaff(bed, ...args);
  linkedAt.set(found.user.conversationId, bed.fake.sent.length);
  return found;
}

/** The cards sent to `user`'s chat since it was linked: their text and their link buttons. */
function cardsTo(user: TeamsUser) {
  return bed.fake.sent
    .slice(linkedAt.get(user.conversationId) ?? 0)
    .filter((s: SentActivity) => s.conversationId === user.conversationId)
    .flatMap(({ activity }) => {
      const attachments = (activity.attachments ?? []) as { content: Card }[];
      return attachments.map(({ content }) => ({ text: content.body[0]?.text, actions: content.actions }));
    });
}
interface Card {
  body: { text: string }[];
  actions: { type: string; title: string; url?: string }[];
}

/** Waits until the worker has taken every task of the case (a card written or not). */
const cardsDecided = (caseId: string) =>
  waitFor(
    async () =>
      (await bed.app.db.counsellorTask.count({ where: { caseId, cardPending: true } })) === 0 || undefined,
    "the case's tasks taken by the card worker",
  );

/** A handover of the client's case: they write text no question waits for. */
async function handover(user: TeamsUser, caseId: string) {
  const before = await bed.app.db.counsellorTask.count({ where: { caseId, kind: "handover" } });
  await say(message(bed, user, SECRET));
  await waitFor(
    async () =>
      (await bed.app.db.counsellorTask.count({ where: { caseId, kind: "handover" } })) > before || undefined,
    "a handover task",
  );
}

async function handBack(caseId: string) {
  await bed.app.db.$transaction(async (tx) => {
    const open = await tx.handover.findFirstOrThrow({ where: { caseId, status: "open" } });
    await closeHandover(tx, { handover: open, reason: "staff", staffId: null, now: new Date() });
  });
}

test("a handover: one card to the linked counsellor, without the client's words; not twice in 10 minutes", async () => {
  const org = await organisation();
  const other = await organisation();
  const { staff, user: counsellorInTeams } = await linked(org.slug, { locale: "nl" });
  const { user: stranger } = await linked(other.slug, { locale: "en", name: "Stranger" });
  const { user: ana, caseId } = await client(org.programmeSlug, staff.email);

  await handover(ana, caseId);
  const [card] = await waitFor(
    () => (cardsTo(counsellorInTeams).length ? cardsTo(counsellorInTeams) : undefined),
    "a card",
  );
  expect(card?.text).toBe("Ana (dossier AP-001) vraagt naar jou");
  expect(card?.actions).toEqual([
    {
      type: "Action.OpenUrl",
      title: "Openen in de console",
      url: `${consoleUrl(bed)}/cases/${caseId}/conversation`,
    },
  ]);
  await say(message(bed, ana, `${SECRET} — and more`));

  // Handed back, then asked again at once: a new handover and task, no second card.
  await handBack(caseId);
  await handover(ana, caseId);
  await cardsDecided(caseId);
  // Interest in a job on the same case, also within the 10 minutes: none either.
  await createTask(bed.app.db, { kind: "job.interest", caseId, organisationId: org.id, data: {} });
  await cardsDecided(caseId);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(cardsTo(counsellorInTeams)).toHaveLength(1);

  // Ten minutes later (the last card moved back in time), the next one comes, for its kind.
  await bed.app.db.case.update({
    where: { id: caseId },
    data: { teamsCardAt: new Date(Date.now() - 11 * 60_000) },
  });
  await createTask(bed.app.db, { kind: "job.interest", caseId, organisationId: org.id, data: {} });
  const cards = await waitFor(
    () => (cardsTo(counsellorInTeams).length === 2 ? cardsTo(counsellorInTeams) : undefined),
    "a second card",
  );
  expect(cards[1]?.text).toBe("Ana (dossier AP-001) heeft interesse in een vacature");
  expect(cards[1]?.actions[0]?.url).toBe(`${consoleUrl(bed)}/cases/${caseId}`);

  // A task pointed at someone of another organisation (never by the domains): nothing for them.
  const strangerRow = await bed.app.db.conversation.findFirstOrThrow({
    where: { externalConversationId: stranger.conversationId },
  });
  await bed.app.db.case.update({ where: { id: caseId }, data: { teamsCardAt: null } });
  await createTask(bed.app.db, {
    kind: "handover",
    caseId,
    organisationId: org.id,
    data: {},
    assigneeStaffId: strangerRow.staffId,
  });
  await cardsDecided(caseId);
  expect(cardsTo(stranger)).toEqual([]);

  // The client's words are in no activity the bot sent, to anyone.
  expect(JSON.stringify(bed.fake.attempts)).not.toContain("SECRET-4711");
  expect(JSON.stringify(bed.fake.attempts)).not.toContain("residence card");

  // The client erased: the cards about their case go from the staff chat's messages too.
  const cardRows = { idempotencyKey: { startsWith: `teams-card:${caseId}:` } };
  expect(await bed.app.db.message.count({ where: cardRows })).toBe(2);
  await say(message(bed, ana, "/delete"));
  await say(cardTap(bed, ana, "confirm:erase"));
  expect(await bed.app.db.message.count({ where: cardRows })).toBe(0);
}, 90_000);

test("a counsellor who turned cards off gets none", async () => {
  const org = await organisation();
  const { staff, user: counsellorInTeams } = await linked(org.slug, { locale: "fr" });
  const { user: ana, caseId } = await client(org.programmeSlug, staff.email);
  await setTeamsCards(bed.app.db, staff.id, false);
  await handover(ana, caseId);
  await cardsDecided(caseId);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(cardsTo(counsellorInTeams)).toEqual([]);
  // On again: the next handover (another case window) does arrive.
  await setTeamsCards(bed.app.db, staff.id, true);
  await handBack(caseId);
  await handover(ana, caseId);
  const [card] = await waitFor(
    () => (cardsTo(counsellorInTeams).length ? cardsTo(counsellorInTeams) : undefined),
    "a card",
  );
  expect(card?.text).toBe("Ana (dossier AP-001) vous demande");
}, 90_000);

test("turning cards off holds at send time: a card still queued (Teams said 429) is withdrawn", async () => {
  const org = await organisation();
  const { staff, user: counsellorInTeams } = await linked(org.slug, { locale: "en" });
  const { user: ana, caseId } = await client(org.programmeSlug, staff.email);
  // The next call to Teams (the client's answer in the turn) gets a 429: the channel waits 4 s.
  bed.fake.failNext({ status: 429, headers: { "retry-after": "4" }, conversationId: ana.conversationId });
  await handover(ana, caseId);
  const card = await waitFor(
    async () =>
      (await bed.app.db.message.findFirst({
        where: { idempotencyKey: { startsWith: `teams-card:${caseId}:` } },
      })) ?? undefined,
    "the card in the outbox",
  );
  expect(card.status).toBe("queued");
  await setTeamsCards(bed.app.db, staff.id, false);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect(await bed.app.db.message.findUniqueOrThrow({ where: { id: card.id } })).toMatchObject({
    status: "failed",
    error: "withdrawn: Teams cards turned off",
  });
  expect(cardsTo(counsellorInTeams)).toEqual([]);
}, 90_000);
