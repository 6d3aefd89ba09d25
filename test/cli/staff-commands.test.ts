import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { identityForToken } from "../../src/domain/staff/api-tokens.ts";
import { findInvite } from "../../src/domain/staff/staff-invites.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

const db = testDb();
afterAll(() => db.$disconnect());

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    db,
    config: loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: testDatabaseUrl(),
      HOST: "127.0.0.1",
      PORT: "3456",
      ...env,
    }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe("staff and token commands", () => {
  test("staff invite --json prints a one-time link on http://HOST:PORT, or on PUBLIC_URL", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const email = `coord-${uid()}@example.org`;
    const invite = [
      "staff",
      "invite",
      "--org",
      organisation.slug,
      "--email",
      email,
      "--name",
      "Els",
      "--role",
      "coordinator",
    ];
    const plain = await cli([...invite, "--json"]);
    expect(plain.code, plain.stderr).toBe(0);
    const { link } = JSON.parse(plain.stdout) as { link: string };
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3456\/console\/set-password\?token=/);
    const again = JSON.parse(
      (await cli([...invite, "--json"], { PUBLIC_URL: "https://bot.example.org" })).stdout,
    );
    expect(again.link).toMatch(/^https:\/\/bot\.example\.org\/console\/set-password\?token=/);
    expect(await findInvite(db, new URL(link).searchParams.get("token") ?? "")).toBeNull();
    const staff = await findInvite(db, new URL(again.link).searchParams.get("token") ?? "");
    expect(staff).toMatchObject({ email, role: "coordinator" });
    const wrongRole = await cli([
      "staff",
      "invite",
      "--org",
      organisation.slug,
      "--email",
      `x-${uid()}@example.org`,
      "--name",
      "X",
      "--role",
      "boss",
    ]);
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toContain("counsellor, steward or coordinator");
  });

  test("token create prints a token once, stored hashed; token revoke ends it", async () => {
    const { counsellor } = await organisationWithCounsellor(db);
    const created = await cli(["token", "create", "--email", counsellor.email, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    expect(token).toMatch(/^ceb_[A-Za-z0-9_-]{43}$/);
    expect(await db.apiToken.count({ where: { tokenHash: token } })).toBe(0);
    expect(await identityForToken(db, token)).toMatchObject({ staffId: counsellor.id, role: "counsellor" });
    expect((await cli(["token", "revoke", "--token", token])).stdout).toContain("Revoked 1");
    expect(await identityForToken(db, token)).toBeNull();
  });
});
