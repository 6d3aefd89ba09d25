import { afterAll, beforeAll, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { isoWeek } from "../../src/domain/vacancies/job-digest.ts";
import { createVacancy } from "../../src/domain/vacancies/vacancies.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createNudgeQueue } from "../../src/scheduling/nudge-queue.ts";
import { createDb, type Db } from "../../src/store/prisma.ts";
import { createRedis } from "../../src/store/redis.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "../support/db.ts";
import { TEST_REDIS_URL } from "../support/env.ts";
import { ownDatabase } from "../support/own-database.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";
import { webchatClientOfCase } from "../support/vacancy-world.ts";

const database = ownDatabase("digest_cli");
let db: Db;
const redis = createRedis(TEST_REDIS_URL);
const prefix = testPrefix();
let outbox: ReturnType<typeof createOutbox>;
beforeAll(async () => {
  await database.create();
  db = createDb(database.url, { poolSize: 3 });
  outbox = createOutbox({ db, queue: prefix });
}, 120_000);
afterAll(async () => {
  await outbox?.close();
  redis.disconnect();
  await removeKeys(prefix);
  await db?.$disconnect();
  await database.drop();
});

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const translator = await createTranslator({ localesDir: "locales" });
  const code = await runCli(argv, {
    db,
    config: loadConfig({ NODE_ENV: "test", DATABASE_URL: database.url, TZ_DEFAULT: "Europe/Brussels" }),
    scheduling: async () => ({ queue: createNudgeQueue(redis, prefix), outbox, translator }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

type World = Awaited<ReturnType<typeof organisationWithCounsellor>>;

/** A weekly client on the web chat with a linked case, and `jobs` alerts waiting for the digest. */
async function weeklyClientWithPendingJobs(
  world: World,
  jobs: number,
  status: "active" | "blocked" = "active",
) {
  const s = uid();
  const created = await createCase(db, {
    programmeSlug: world.programme.slug,
    counsellorEmail: world.counsellor.email,
  });
  const { clientId } = await webchatClientOfCase(db, created.id, {
    locale: "nl",
    name: `Secret Name ${s}`,
    alerts: "weekly",
    conversationStatus: status,
  });
  for (let i = 0; i < jobs; i++) {
    const vacancy = await createVacancy(db, {
      organisationSlug: world.organisation.slug,
      employer: "Net & Propre",
      job: `Schoonmaak ${i + 1}`,
      sector: "cleaning",
      municipality: "Anderlecht",
      hours: "part_time",
      contractType: "dienstencheques",
      texts: { nl: "Kantoren poetsen." },
    });
    await db.jobAlert.create({
      data: { vacancyId: vacancy.id, clientId, locale: "nl", status: "digest_pending" },
    });
  }
  return { caseId: created.id, clientId };
}

test("vacancy digest sends the waiting digests now and prints per client how many jobs, without names", async () => {
  const world = await organisationWithCounsellor(db, {
    organisation: "Groep Intro",
    programme: "Roma@Work",
    counsellor: "Eva",
    locale: "nl",
  });
  const three = await weeklyClientWithPendingJobs(world, 3);
  const blocked = await weeklyClientWithPendingJobs(world, 1, "blocked");

  const run = await cli(["vacancy", "digest"]);
  expect(run.code).toBe(0);
  const week = isoWeek(new Date(), "Europe/Brussels");
  const lines = run.stdout.trim().split("\n");
  expect(lines[0]).toBe(`Weekly job digest ${week}`);
  expect(lines[1]?.split(/ +/)).toEqual(["CASE", "CLIENT", "JOBS", "RESULT"]);
  expect(lines.slice(2).map((line) => line.split(/ +/))).toEqual([
    [three.caseId, three.clientId, "3", "sent"],
    [blocked.caseId, blocked.clientId, "-", "not_reachable"],
  ]);
  expect(run.stdout).not.toContain("Secret Name");
  const message = await db.message.findUniqueOrThrow({
    where: { idempotencyKey: `job-digest:${three.clientId}:${week}` },
  });
  expect(message.text?.split("\n")[0]).toBe("💼 3 nieuwe jobs voor jou deze week:");

  const again = await cli(["vacancy", "digest", "--json"]);
  expect(JSON.parse(again.stdout)).toEqual({
    week,
    sent: [],
    skipped: [{ clientId: blocked.clientId, caseId: blocked.caseId, reason: "not_reachable" }],
  });
});
