/**
 * `broadcast create | cancel | list`, `list save` and `case label` through runCli, on the real
 * database and Redis: segments select the right people, a language without a text is refused,
 * an explicit fallback is accepted, quiet hours move the time, cancel withdraws.
 */
import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { broadcastJobId, createBroadcastQueue } from "../../src/domain/broadcasts/broadcast-queue.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { createOutbox } from "../../src/outbox/outbox.ts";
import { createNudgeQueue } from "../../src/scheduling/nudge-queue.ts";
import { createRedis } from "../../src/store/redis.ts";
import { broadcastOrganisation } from "../domain/broadcasts/segment-fixture.ts";
import { testDb } from "../support/db.ts";
import { TEST_REDIS_URL, testDatabaseUrl } from "../support/env.ts";
import { removeKeys, testPrefix } from "../support/redis-keys.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
const prefix = testPrefix();
const outbox = createOutbox({ db, queue: prefix });
const broadcasts = createBroadcastQueue(redis, prefix);
const queue = createNudgeQueue(redis, prefix);
afterAll(async () => {
  await Promise.all([broadcasts.close(), queue.close(), outbox.close()]);
  redis.disconnect();
  await removeKeys(prefix);
  await db.$disconnect();
});

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const translator = await createTranslator({ localesDir: "locales" });
  const code = await runCli(argv, {
    db,
    config: loadConfig({ NODE_ENV: "test", DATABASE_URL: testDatabaseUrl() }),
    scheduling: async () => ({ queue, broadcasts, outbox, translator }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/** `broadcast create --org <org> --counsellor <email> …args`. */
const createCli = (org: string, counsellor: string, args: string[]) =>
  cli(["broadcast", "create", "--org", org, "--counsellor", counsellor, ...args]);

describe("broadcast create", () => {
  test("a mixed-language segment with a missing translation is refused, then sent with a text or an explicit fallback", async () => {
    const { organisation, counsellor } = await broadcastOrganisation(db, [
      { locale: "ro" },
      { locale: "ro" },
      { locale: "ar" },
      { locale: "ar" },
      { locale: "rom" },
    ]);
    const base = ["broadcast", "create", "--org", organisation.slug, "--counsellor", counsellor.email];

    const dry = await cli([...base, "--text-ro", "Curs nou luni", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const preview = dry.json();
    expect(preview.missing).toEqual([
      { locale: "ar", people: 2 },
      { locale: "rom", people: 1 },
    ]);
    expect(preview.recipients).toBe(2);

    const refused = await cli([...base, "--text-ro", "Curs nou luni"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("No text for ar (2 people), rom (1 person)");
    expect(await db.broadcast.count({ where: { organisationId: organisation.id } })).toBe(0);

    const badFallback = await cli([...base, "--text-ro", "Curs nou", "--fallback", "rom=fr"]);
    expect(badFallback.code).toBe(1);
    expect(badFallback.stderr).toContain("rom=fr");

    const sent = await cli([
      ...base,
      "--text-ro",
      "Curs nou luni",
      "--text-ar",
      "دورة جديدة يوم الاثنين",
      "--fallback",
      "rom=ro",
      "--json",
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const { broadcast, preview: accepted } = sent.json();
    expect(accepted.recipients).toBe(5);
    expect(accepted.byLanguage).toContainEqual({ locale: "rom", people: 1, textLocale: "ro" });
    expect(await broadcasts.getJobState(broadcastJobId(broadcast.id))).not.toBe("unknown");
  });

  test("segments: programme, place, language, status, tag and saved list each narrow it; opted-out and blocked are counted apart", async () => {
    const { organisation, counsellor, programmes, members } = await broadcastOrganisation(db, [
      { locale: "ro", place: "Anderlecht", tags: ["forklift"] },
      { locale: "ro", place: "anderlecht", status: "working" },
      { locale: "bg", place: "Molenbeek", programme: "b", tags: ["forklift", "evening"] },
      { locale: "ar", place: "Centre Petit-Château", status: "preparation" },
      { locale: "ro", conversation: "opted_out" },
      { locale: "ro", conversation: "blocked" },
      { locale: "ro", status: "closed" },
    ]);
    const preview = async (...segment: string[]) => {
      const result = await createCli(organisation.slug, counsellor.email, [
        "--text-ro",
        "x",
        "--fallback",
        "*=ro",
        "--dry-run",
        "--json",
        ...segment,
      ]);
      expect(result.code, result.stderr).toBe(0);
      return result.json();
    };
    const all = await preview();
    expect([all.recipients, all.optedOut, all.blocked]).toEqual([4, 1, 1]);
    expect((await preview("--place", "ANDERLECHT")).recipients).toBe(2);
    expect((await preview("--place", "Molenbeek,Centre Petit-Château")).recipients).toBe(2);
    expect((await preview("--programme", programmes.b.slug)).recipients).toBe(1);
    expect((await preview("--language", "ar,bg")).recipients).toBe(2);
    expect((await preview("--status", "working,preparation")).recipients).toBe(2);
    expect((await preview("--tag", "forklift")).recipients).toBe(2);
    expect((await preview("--tag", "evening", "--language", "ro")).recipients).toBe(0);
    expect((await preview("--status", "closed")).recipients).toBe(1);

    const saved = await cli([
      "list",
      "save",
      "--org",
      organisation.slug,
      "--name",
      "Tuesday group",
      "--cases",
      `${members[0]?.caseId},${members[3]?.caseId}`,
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    expect((await preview("--list", "Tuesday group")).recipients).toBe(2);
    const unknownList = await createCli(organisation.slug, counsellor.email, [
      "--text-ro",
      "x",
      "--list",
      "nope",
    ]);
    expect(unknownList.code).toBe(1);
    expect(unknownList.stderr).toContain('No saved list "nope"');

    const labelled = await cli([
      "case",
      "label",
      members[1]?.caseId ?? "",
      "--counsellor",
      counsellor.email,
      "--place",
      "Molenbeek",
      "--add-tag",
      "Evening",
    ]);
    expect(labelled.code, labelled.stderr).toBe(0);
    expect((await preview("--tag", "evening", "--place", "molenbeek")).recipients).toBe(2);
  });

  test("a counsellor cannot list cases of another organisation, nor send as someone outside it", async () => {
    const mine = await broadcastOrganisation(db, [{ locale: "ro" }]);
    const theirs = await broadcastOrganisation(db, [{ locale: "ro" }]);
    const list = await cli([
      "list",
      "save",
      "--org",
      mine.organisation.slug,
      "--name",
      "x",
      "--cases",
      theirs.members[0]?.caseId ?? "",
    ]);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(`Not cases of ${mine.organisation.slug}`);
    const asOther = await createCli(mine.organisation.slug, theirs.counsellor.email, ["--text-ro", "x"]);
    expect(asOther.code).toBe(1);
    expect(asOther.stderr).toContain(`No counsellor ${theirs.counsellor.email}`);
    const label = await cli([
      "case",
      "label",
      theirs.members[0]?.caseId ?? "",
      "--counsellor",
      mine.counsellor.email,
    ]);
    expect(label.code).toBe(1);
  });

  test("a time in quiet hours goes out when they end, in the programme's time zone; a past time is refused", async () => {
    const { organisation, counsellor, programmes } = await broadcastOrganisation(db, [{ locale: "ro" }]);
    const base = [
      "broadcast",
      "create",
      "--org",
      organisation.slug,
      "--counsellor",
      counsellor.email,
      "--programme",
      programmes.a.slug,
      "--text-ro",
      "x",
    ];
    const late = await cli([...base, "--at", "2099-03-10 22:30", "--json"]);
    expect(late.code, late.stderr).toBe(0);
    const { broadcast, preview } = late.json();
    // Default quiet hours 21:00–08:00 Europe/Brussels (CET in March 2099: UTC+1).
    expect(broadcast.sendAt).toBe("2099-03-11T07:00:00.000Z");
    expect(preview.movedOutOfQuietHours).toBe(true);
    const past = await cli([...base, "--at", "2020-01-01 10:00"]);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain("has passed");
  });
});

test("broadcast cancel stops a scheduled broadcast, and list shows it", async () => {
  const { organisation, counsellor } = await broadcastOrganisation(db, [{ locale: "ro" }]);
  const created = await createCli(organisation.slug, counsellor.email, [
    "--text-ro",
    "x",
    "--at",
    "2099-05-01 10:00",
    "--json",
  ]);
  const id = created.json().broadcast.id as string;
  const cancelled = await cli(["broadcast", "cancel", id, "--org", organisation.slug]);
  expect(cancelled.code, cancelled.stderr).toBe(0);
  expect((await db.broadcast.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
  const again = await cli(["broadcast", "cancel", id, "--org", organisation.slug]);
  expect(again.code).toBe(1);
  const listed = await cli(["broadcast", "list", "--org", organisation.slug]);
  expect(listed.stdout).toMatch(new RegExp(`${id}\\s+programme\\s+cancelled`));
  const elsewhere = await cli(["broadcast", "cancel", id, "--org", "someone-else"]);
  expect(elsewhere.code).toBe(1);
});
