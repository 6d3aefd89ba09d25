import { afterAll, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import type { Answer } from "../../src/engine/types.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createNudgeQueue } from "../../src/scheduling/nudge-queue.ts";
import { createRedis } from "../../src/store/redis.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb, uid } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";
import { assessmentOf, webchatClientOfCase } from "../support/vacancy-world.ts";

const db = testDb();
afterAll(() => db.$disconnect());

const redis = createRedis(TEST_REDIS_URL);
const prefix = testPrefix();
const outbox = createOutbox({ db, queue: prefix });
afterAll(async () => {
  await outbox.close();
  redis.disconnect();
  await removeKeys(prefix);
});

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const translator = await createTranslator({ localesDir: "locales" });
  const code = await runCli(argv, {
    db,
    config: loadConfig({ NODE_ENV: "test", DATABASE_URL: testDatabaseUrl() }),
    scheduling: async () => ({ queue: createNudgeQueue(redis, prefix), outbox, translator }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

test("a counsellor posts a vacancy and sees the matching clients with reasons and the ones left out", async () => {
  const { organisation, programme, counsellor } = await organisationWithCounsellor(db, {
    organisation: "Groep Intro",
    programme: "Roma@Work",
    counsellor: "Eva",
    locale: "nl",
  });
  const cases: string[] = [];
  for (const [answers, alertFrequency] of [
    [
      {
        interests: ["cleaning"],
        experience: ["cleaning"],
        hours: "part_time",
        languages: ["romani", "romanian"],
      },
      "every",
    ],
    [{ interests: ["cleaning"], experience: [], hours: "full_time", languages: ["bulgarian"] }, "every"],
    [{ interests: ["cleaning"], experience: [], hours: "part_time", languages: ["romani"] }, "weekly"],
  ] as [Record<string, Answer>, "every" | "weekly"][]) {
    const created = await createCase(db, {
      programmeSlug: programme.slug,
      counsellorEmail: counsellor.email,
    });
    const { clientId } = await webchatClientOfCase(db, created.id, { locale: "rom", alerts: alertFrequency });
    const full = {
      residence: "eu_citizen",
      shifts: ["day"],
      weekends: false,
      transport: ["walk"],
      ...answers,
    };
    await assessmentOf(db, { clientId, caseId: created.id }, full);
    cases.push(created.id);
  }

  const posted = await cli([
    "vacancy",
    "create",
    "--org",
    organisation.slug,
    "--employer",
    "Net & Propre",
    "--job",
    "office_cleaner",
    "--municipality",
    "Anderlecht",
    "--hours",
    "part_time",
    "--contract",
    "fixed_term",
    "--contract-months",
    "6",
    "--text-ro",
    "Curățenie în birouri, dimineața.",
    "--text-rom",
    "Žužaripe ande birura, detehara.",
    "--json",
  ]);
  expect(posted.code).toBe(0);
  const vacancy = JSON.parse(posted.stdout);
  expect(vacancy).toMatchObject({
    cvNeeded: false,
    employerHidden: true,
    sector: "cleaning",
    jobCode: "office_cleaner",
    job: null,
    contractCode: "fixed_term",
    contractMonths: 6,
  });

  const matched = await cli([
    "vacancy",
    "match",
    vacancy.id,
    "--today",
    "2026-11-23",
    "--as",
    counsellor.email,
  ]);
  expect(matched.code).toBe(0);
  const lines = matched.stdout.trim().split("\n");
  expect(lines[1]).toContain(cases[0]);
  expect(lines[1]).toContain("rom");
  // In the counsellor's language (Eva works in Dutch), not codes.
  expect(lines[1]).toContain("wil werken in Schoonmaak · heeft ervaring in Schoonmaak");
  expect(lines[2]).toContain(cases[2]);
  expect(lines[3]).toContain(cases[1]);
  expect(lines[3]).toContain("left out: wil Voltijds");
  expect(matched.stdout).not.toMatch(/hours_fit|interest,/);

  const sent = await cli(["vacancy", "send", vacancy.id, "--today", "2026-11-23"]);
  expect(sent.code).toBe(0);
  expect(sent.stdout).toMatch(new RegExp(`^  Sent +${cases[0]}$`, "m"));
  expect(sent.stdout).toMatch(new RegExp(`^  For the weekly digest +${cases[2]}$`, "m"));
  expect(sent.stdout).toMatch(new RegExp(`^  Left out +${cases[1]}$`, "m"));
  const alert = await db.jobAlert.findFirstOrThrow({ where: { vacancyId: vacancy.id, status: "sent" } });
  expect(alert.locale).toBe("rom");
  expect(alert.sentAt).not.toBeNull();
  const card = await db.message.findUniqueOrThrow({ where: { idempotencyKey: `job-alert:${alert.id}` } });
  expect(card).toMatchObject({ status: "queued", proactive: true });
  // The title from the list, in Romani; the text as the counsellor wrote it.
  expect(card.text?.split("\n")[0]).toBe("💼 Nevi buti: Žužaripe ande birura");
  expect(card.text).toContain("Žužaripe ande birura, detehara.");
  const waiting = await db.jobAlert.findFirstOrThrow({
    where: { vacancyId: vacancy.id, status: "digest_pending" },
  });
  expect(await db.message.count({ where: { idempotencyKey: `job-alert:${waiting.id}` } })).toBe(0);

  const again = await cli(["vacancy", "send", vacancy.id, "--today", "2026-11-23", "--json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ sent: [], digest: [], notNow: [cases[0], cases[2]] });

  // The counsellor adds someone matching left out for fit (hours); an unknown case cannot be added.
  const added = await cli([
    "vacancy",
    "send",
    vacancy.id,
    "--today",
    "2026-11-23",
    "--include",
    `${cases[1]},no-such-case`,
    "--json",
  ]);
  expect(added.code, added.stderr).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({ sent: [cases[1]], cannotAdd: ["no-such-case"] });
});

test("a vacancy with a bad value is refused with one line", async () => {
  const s = uid();
  await createOrganisation(db, { slug: `o-${s}`, name: "X" });
  const result = await cli([
    "vacancy",
    "create",
    "--org",
    `o-${s}`,
    "--employer",
    "E",
    "--job",
    "cleaner",
    "--municipality",
    "M",
    "--hours",
    "sometimes",
    "--contract-text",
    "C",
    "--text-en",
    "x",
  ]);
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/hours/);
});

test("a job title or contract type not on the list is refused, pointing at the list and the last resort", async () => {
  const s = uid();
  await createOrganisation(db, { slug: `o-${s}`, name: "X" });
  const base = ["vacancy", "create", "--org", `o-${s}`, "--employer", "E", "--municipality", "M"];
  const rest = ["--hours", "part_time", "--text-en", "x"];
  const unknownJob = await cli([...base, "--job", "Nettoyeur", "--contract", "open_ended", ...rest]);
  expect(unknownJob.code).toBe(1);
  expect(unknownJob.stderr).toMatch(/job code: must be a job title of the list/i);
  const noContract = await cli([...base, "--job", "cleaner", ...rest]);
  expect(noContract.code).toBe(1);
  expect(noContract.stderr).toMatch(/contract code: choose a contract type from the list, or write one/i);
  const freeText = await cli([
    ...base,
    "--job-text",
    "Glazenwasser",
    "--sector",
    "cleaning",
    "--contract-text",
    "Tijdelijk",
    ...rest,
    "--json",
  ]);
  expect(freeText.code, freeText.stderr).toBe(0);
  expect(JSON.parse(freeText.stdout)).toMatchObject({
    jobCode: null,
    job: "Glazenwasser",
    contractType: "Tijdelijk",
  });
});
