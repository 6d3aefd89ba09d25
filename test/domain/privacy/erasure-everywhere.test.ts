/**
 * Issue 12, defect 7 (erasure): after /delete, no row of any table may still hold the person's
 * ids. The tables are read from information_schema — every column named like a client or a
 * conversation — so a table added later is checked without touching this test. Nudges (which have
 * no foreign key) and their Redis timers were the ones left behind.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { App } from "../../../src/app.ts";
import { type AppointmentDeps, createAppointment } from "../../../src/domain/appointments/appointments.ts";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import { uid } from "../../support/db.ts";
import { type FakeTelegram, startFakeTelegram } from "../../support/fake-telegram.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { startTestApp } from "../../support/test-app.ts";

let telegram: FakeTelegram;
let app: App;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  app = await startTestApp({ telegram });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

/** Every (table, column) whose name says it holds a client's or a conversation's id. */
async function personColumns(): Promise<{ table: string; column: string }[]> {
  return app.db.$queryRaw<{ table: string; column: string }[]>`
    SELECT table_name::text AS "table", column_name::text AS "column"
    FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND table_name <> '_prisma_migrations'
      AND (column_name ILIKE '%client%' OR column_name ILIKE '%conversation%' OR column_name ILIKE 'externalUserId')
    ORDER BY 1, 2`;
}

test("after /delete no table holds the client's or the conversation's ids, and no timer is left", async () => {
  const s = uid();
  await createOrganisation(app.db, { slug: `o-${s}`, name: "Foyer" });
  await createProgramme(app.db, { organisationSlug: `o-${s}`, slug: `p-${s}`, name: "R@W" });
  await createCounsellor(app.db, { organisationSlug: `o-${s}`, name: "Lena", email: `l-${s}@example.org` });
  const created = await createCase(app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: `l-${s}@example.org`,
  });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  const conversation = await app.db.conversation.findFirstOrThrow({
    where: { channel: "telegram", externalConversationId: String(user.userId) },
  });
  const clientId = conversation.clientId as string;
  expect(clientId).toBeTruthy();
  const deps: AppointmentDeps = {
    db: app.db,
    queue: app.nudgeQueue,
    translator: app.translator,
    outbox: app.outbox,
    defaultTimeZone: "Europe/Brussels",
  };
  await createAppointment(deps, {
    caseId: created.id,
    at: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    location: "Rue 1",
    withWhom: "Lena",
    purpose: "intake",
    bringNotes: { ro: "contractul de închiriere al lui Ion" },
  });
  // An idle nudge names the conversation itself.
  await app.db.nudge.create({
    data: {
      jobId: `idle:${conversation.id}:test`,
      kind: "idle_flow",
      conversationId: conversation.id,
      subjectId: `run-${s}`,
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
  const nudges = await app.db.nudge.findMany({
    where: { OR: [{ conversationId: conversation.id }, { caseId: created.id }], status: "pending" },
  });
  expect(nudges.length).toBeGreaterThanOrEqual(2);
  await app.nudgeQueue.add(
    "nudge",
    { jobId: `idle:${conversation.id}:test` },
    {
      jobId: `idle:${conversation.id}:test`,
      delay: 86_400_000,
    },
  );
  for (const nudge of nudges) expect(await app.nudgeQueue.getJob(nudge.jobId), nudge.jobId).toBeTruthy();

  await user.say("/delete");
  await user.tap("confirm:erase");

  const ids = [clientId, conversation.id, String(user.userId)];
  const columns = await personColumns();
  const tables = new Set(columns.map((c) => c.table));
  for (const expected of ["Message", "Consent", "FlowRun", "Nudge", "Case", "BroadcastRecipient"]) {
    expect(tables, expected).toContain(expected);
  }
  for (const { table, column } of columns) {
    const rows = await app.db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${table}" WHERE "${column}"::text = ANY($1::text[])`,
      ids,
    );
    expect(Number(rows[0]?.n), `${table}.${column}`).toBe(0);
  }
  for (const nudge of nudges) expect(await app.nudgeQueue.getJob(nudge.jobId), nudge.jobId).toBeFalsy();
  // A counsellor's note on what to bring was about the person: it goes too (the appointment stays, anonymous).
  const appointments = await app.db.appointment.findMany({ where: { caseId: created.id } });
  expect(appointments.map((a) => a.bringNotes)).toEqual([{}]);
});
