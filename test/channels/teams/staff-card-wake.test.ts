/**
 * The Teams card worker wakes when a card task commits (a NOTIFY on `card_tasks`, heard on the
 * app's LISTEN connection), and polls only as a fallback (TEAMS_CARD_POLL_SECONDS, default 30). With the
 * fallback an hour long, a card still reaches the fake connector within seconds: only the wake can
 * explain it, also after its LISTEN backend was terminated (it listens again). With the fallback at
 * a second, a task that made no notice at all (written straight to the table), and one written just
 * after the LISTEN was lost, arrive all the same; the process never sees an uncaught exception.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { TEAMS_CARD_POLL_MS } from "../../../src/domain/staff/teams-card-worker.ts";
import { createTask } from "../../../src/domain/tasks/tasks.ts";
import { openProgramme } from "../../domain/fixtures.ts";
import { uid } from "../../support/db.ts";
import { namedTestDatabaseUrl } from "../../support/env.ts";
import { linkedStaff, waitFor } from "./staff-support.ts";
import { startTeamsTestBed, type TeamsTestBed, type TeamsUser } from "./support.ts";

const uncaught: Error[] = [];
const onUncaught = (error: Error) => uncaught.push(error);
beforeAll(() => {
  process.on("uncaughtException", onUncaught);
});
afterAll(() => {
  process.off("uncaughtException", onUncaught);
});

/** The Teams app with workers, its connections named `name` (to find its LISTEN backend). */
const start = (name: string, pollSeconds: number): Promise<TeamsTestBed> =>
  startTeamsTestBed({
    workers: true,
    env: { DATABASE_URL: namedTestDatabaseUrl(name), TEAMS_CARD_POLL_SECONDS: String(pollSeconds) },
  });

/** The pids of the backends of `name` that LISTEN on card_tasks. */
async function listeners(bed: TeamsTestBed, name: string): Promise<number[]> {
  const rows = await bed.app.db.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
     WHERE application_name = ${name} AND datname = current_database() AND query = 'LISTEN card_tasks'`;
  return rows.map((r) => r.pid);
}

/** A listener of `name` is up (other than `not`); returns its pid. */
const listening = (bed: TeamsTestBed, name: string, not?: number) =>
  waitFor(async () => (await listeners(bed, name)).find((pid) => pid !== not), "a LISTEN on card_tasks");

/** A counsellor linked in Teams and a case of theirs (reference AP-001, no client yet). */
async function counsellorWithCase(bed: TeamsTestBed) {
  const { s, programme } = await openProgramme(bed.app.db);
  const { staff, user } = await linkedStaff(bed, `o-${s}`, { locale: "en" });
  const created = await createCase(bed.app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: staff.email,
    reference: "AP-001",
  });
  return { staff, user, caseId: created.id, organisationId: programme.organisationId };
}

/** Whether `activity` is a task's card: an Adaptive Card with an "Open in the console" link. */
function isTaskCard(activity: Record<string, unknown>): boolean {
  const attachments = (activity.attachments ?? []) as { content?: { actions?: { type: string }[] } }[];
  return attachments.some((a) => a.content?.actions?.some((action) => action.type === "Action.OpenUrl"));
}

/** Waits for task card number `n` in `user`'s chat; returns the ms it waited. */
async function card(bed: TeamsTestBed, user: TeamsUser, n: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const cards = () =>
    bed.fake.sent.filter((s) => s.conversationId === user.conversationId && isTaskCard(s.activity));
  await waitFor(() => cards().length >= n || undefined, `card ${n}`, timeoutMs);
  return Date.now() - started;
}

test("the fallback poll is 30 s unless TEAMS_CARD_POLL_SECONDS says otherwise", () => {
  expect(TEAMS_CARD_POLL_MS).toBe(30_000);
  expect(loadConfig({}).TEAMS_CARD_POLL_SECONDS).toBe(30);
});

test("with the fallback an hour long, a card task wakes the worker at once, also after its LISTEN was lost", async () => {
  const name = `card-wake-${uid()}`;
  const bed = await start(name, 3600);
  try {
    const { user, caseId, organisationId } = await counsellorWithCase(bed);
    const first = await listening(bed, name);
    await createTask(bed.app.db, { kind: "job.interest", caseId, organisationId, data: {} });
    expect(await card(bed, user, 1, 10_000)).toBeLessThan(10_000);

    // The LISTEN backend terminated: the worker listens again (a second later), and wakes again.
    const [killed] = await bed.app.db.$queryRaw<
      { ok: boolean }[]
    >`SELECT pg_terminate_backend(${first}::int) AS ok`;
    expect(killed?.ok).toBe(true);
    await listening(bed, name, first);
    // The pass that follows the new LISTEN is over by then: the next card is the wake's again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await bed.app.db.case.update({ where: { id: caseId }, data: { teamsCardAt: null } });
    await createTask(bed.app.db, { kind: "handover", caseId, organisationId, data: {} });
    expect(await card(bed, user, 2, 10_000)).toBeLessThan(10_000);
    expect(uncaught).toEqual([]);
  } finally {
    await bed.close();
  }
}, 60_000);

test("with the LISTEN lost, the fallback poll still delivers, also a task that made no notice", async () => {
  const name = `card-fallback-${uid()}`;
  const bed = await start(name, 1);
  try {
    const { staff, user, caseId, organisationId } = await counsellorWithCase(bed);
    const pending = () =>
      bed.app.db.counsellorTask.create({
        data: {
          kind: "job.interest",
          caseId,
          organisationId,
          data: {},
          assigneeStaffId: staff.id,
          cardPending: true,
        },
      });
    // No NOTIFY: only a pass that polls finds it.
    await pending();
    await card(bed, user, 1, 10_000);

    const first = await listening(bed, name);
    await bed.app.db.$queryRaw`SELECT pg_terminate_backend(${first}::int)`;
    await bed.app.db.case.update({ where: { id: caseId }, data: { teamsCardAt: null } });
    await pending();
    await card(bed, user, 2, 10_000);
    await listening(bed, name, first);
    expect(uncaught).toEqual([]);
  } finally {
    await bed.close();
  }
}, 60_000);
