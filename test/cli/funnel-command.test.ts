import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { linkClient } from "../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../src/domain/cases/invites.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

const db = testDb();
afterAll(() => db.$disconnect());

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    db,
    config: loadConfig({ NODE_ENV: "test", DATABASE_URL: testDatabaseUrl(), PORT: "3456" }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe("funnel", () => {
  test("exact numbers for the coordinator, protected ones in the CSV", async () => {
    const { programme } = await organisationWithCounsellor(db, { withInviteCode: true });
    for (const displayName of ["Ana", "Radu"]) {
      const client = await consentedClient(db, { displayName });
      await linkClient(db, { clientId: client.id, invite: await resolveInvite(db, programme.inviteCode) });
    }
    const json = await cli(["funnel", "--programme", programme.slug, "--json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.steps.slice(0, 3).map((s: { count: number }) => s.count)).toEqual([0, 2, 0]);

    const text = await cli(["funnel", "--programme", programme.slug]);
    expect(text.stdout).toMatch(/consented\s+2\s/);

    const csv = await cli(["funnel", "--programme", programme.slug, "--csv"]);
    expect(csv.stdout).toContain(",step,consented,< 5,");
    expect(csv.stdout).not.toMatch(/Ana|Radu/);
    const cases = await cli(["funnel", "--programme", programme.slug, "--cases"]);
    expect(cases.stdout.split("\r\n")).toHaveLength(3);
  });

  test("a bad period or an unknown programme is a clear error", async () => {
    const { programme } = await organisationWithCounsellor(db);
    const bad = await cli(["funnel", "--programme", programme.slug, "--from", "2026-13-01"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("Invalid from");
    const unknown = await cli(["funnel", "--programme", "no-such-programme"]);
    expect(unknown.stderr).toContain('No programme "no-such-programme"');
  });
});
