/**
 * What fastify itself logs when a console request fails (its default error handler logs a 5xx with
 * the request and the whole error): the error's name and message only — a driver's error carries
 * more — and the path without its query string. Read from the app's real logger, written to a list.
 */
import { pino } from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { TEST_REDIS_URL } from "../support/env.ts";
import { ownDatabase } from "../support/own-database.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";
import { staffMember } from "../support/staff.ts";

const lines: string[] = [];
let app: App;
// Its own database: a constraint made here to fail one insert must not reach other test files.
const database = ownDatabase("error-logs");

beforeAll(async () => {
  await database.create();
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: testPrefix(),
  });
  app = await buildApp(config, pino({ level: "info" }, { write: (line: string) => lines.push(line) }));
  await app.http.ready();
});
afterAll(async () => {
  await app?.close();
  if (app) await removeKeys(app.config.QUEUE_PREFIX);
  await database.drop();
});

test("a console request that fails in the database logs the error's name and message, no query string", async () => {
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const staff = await staffMember(app.db, organisation.slug, "counsellor");
  const created = await createCase(app.db, { programmeSlug: programme.slug, counsellorEmail: staff.email });
  const token = await openSession(app.db, staff.id);
  const csrf = (await findSession(app.db, token))?.csrfToken ?? "";
  // A constraint the note breaks: Postgres refuses it with the failing row (the note) in `detail`.
  await app.db.$executeRawUnsafe(
    `ALTER TABLE "CaseNote" ADD CONSTRAINT note_refused CHECK (text NOT LIKE '%Popescu%')`,
  );
  const response = await app.http.inject({
    method: "POST",
    url: `/console/cases/${created.id}/notes?phone=%2B32470123456`,
    headers: {
      cookie: `ceb_session=${token}`,
      "x-csrf-token": csrf,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams({ text: "Ion Popescu" }).toString(),
  });
  expect(response.statusCode).toBe(500);
  const failed = lines.map((line) => JSON.parse(line)).filter((entry) => entry.res?.statusCode === 500);
  expect(failed).toHaveLength(1);
  expect(Object.keys(failed[0].err).sort()).toEqual(["message", "name"]);
  expect(failed[0].req.url).toBe(`/console/cases/${created.id}/notes`);
  expect(lines.join("\n")).not.toMatch(/32470123456|Popescu/);
});
