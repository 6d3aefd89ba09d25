import QRCode from "qrcode";
import { afterAll, describe, expect, test } from "vitest";
import { COMMANDS } from "../../src/cli/commands.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { linkClient } from "../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../src/domain/cases/invites.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

const db = testDb();
afterAll(() => db.$disconnect());

const baseEnv = { NODE_ENV: "test", DATABASE_URL: testDatabaseUrl(), PORT: "3456" };

/** Runs the CLI and returns its exit code and what it wrote. */
async function cli(
  argv: string[],
  env: Record<string, string> = { TELEGRAM_BOT_USERNAME: "@engagement_test_bot" },
) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    db,
    config: loadConfig({ ...baseEnv, ...env }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe("the counsellor CLI", () => {
  test("org → programme → counsellor → case prints the invite code and both links", async () => {
    const s = uid();
    expect((await cli(["org", "create", "--slug", `org-${s}`, "--name", "Actiris test"])).code).toBe(0);
    const programme = await cli([
      "programme",
      "create",
      "--org",
      `org-${s}`,
      "--slug",
      `p-${s}`,
      "--name",
      "Roma@Work",
    ]);
    expect(programme).toMatchObject({ code: 0, stderr: "" });
    expect(programme.stdout).toMatch(/Default intake\s+no/);
    const counsellor = await cli([
      ...["counsellor", "create", "--org", `org-${s}`, "--name", "An Peeters"],
      ...["--email", `an-${s}@example.org`, "--locale", "fr"],
    ]);
    expect(counsellor.stdout).toMatch(/Locale\s+fr/);

    const created = await cli([
      "case",
      "create",
      "--programme",
      `p-${s}`,
      "--counsellor",
      `an-${s}@example.org`,
    ]);

    expect(created).toMatchObject({ code: 0, stderr: "" });
    const code = /Invite code\s+([2-9A-HJKMNP-Z]{8}) \(works once\)/.exec(created.stdout)?.[1];
    expect(code).toBeDefined();
    expect(created.stdout).toContain(`https://t.me/engagement_test_bot?start=${code}`);
    expect(created.stdout).toContain(`http://127.0.0.1:3456/chat?start=${code}`);
    const caseId = /Case id\s+(\S+)/.exec(created.stdout)?.[1];
    expect(await db.case.findUnique({ where: { id: caseId ?? "" } })).toMatchObject({ inviteCode: code });

    const listed = await cli(["case", "list", "--as", `an-${s}@example.org`]);
    expect(listed.stdout).toMatch(/^CASE\s+PROGRAMME\s+STATUS/);
    expect(listed.stdout).toContain(`${caseId}  p-${s}`);
  });

  test("--json prints the case with its links for scripts", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const { code, stdout } = await cli([
      ...["case", "create", "--programme", programme.slug, "--counsellor", counsellor.email],
      ...["--reference", "AB-12", "--json"],
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({ programmeSlug: programme.slug, reference: "AB-12", status: "lead" });
    expect(printed.links).toEqual({
      telegram: `https://t.me/engagement_test_bot?start=${printed.inviteCode}`,
      webChat: `http://127.0.0.1:3456/chat?start=${printed.inviteCode}`,
    });
  });

  test("shows the invite as a QR code that opens the Telegram deep link", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const { code, stdout } = await cli([
      "case",
      "create",
      "--programme",
      programme.slug,
      "--counsellor",
      counsellor.email,
    ]);
    expect(code).toBe(0);
    const link = /Scan to open (https:\/\/t\.me\/engagement_test_bot\?start=[A-Za-z0-9_-]+):/.exec(
      stdout,
    )?.[1];
    expect(link).toBeDefined();
    const qr = stdout.slice(stdout.indexOf(`${link}:\n`) + `${link}:\n`.length);
    // The code for exactly that link (the `qrcode` library draws it the same way every time).
    expect(qr.trimEnd()).toBe((await QRCode.toString(link ?? "", { type: "utf8", margin: 2 })).trimEnd());
    expect(qr.split("\n").filter((line) => /[█▀▄]/.test(line)).length).toBeGreaterThan(10);
  });

  test("without TELEGRAM_BOT_USERNAME it says how to get the Telegram link", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db);
    const { code, stdout } = await cli(
      ["case", "create", "--programme", programme.slug, "--counsellor", counsellor.email],
      {},
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Telegram link\s+\(set TELEGRAM_BOT_USERNAME to the bot's username/);
    expect(stdout).not.toContain("https://t.me/");
  });

  test("leads list shows a lead of the staff member's organisation, and only theirs", async () => {
    const { programme, counsellor } = await organisationWithCounsellor(db, { withInviteCode: true });
    const client = await consentedClient(db, { locale: "ar" });
    const lead = await linkClient(db, {
      clientId: client.id,
      invite: await resolveInvite(db, programme.inviteCode),
    });

    const { code, stdout } = await cli(["leads", "list", "--as", counsellor.email]);

    expect(code).toBe(0);
    const [header, row, ...rest] = stdout.trimEnd().split("\n");
    expect(header).toMatch(/^CASE\s+PROGRAMME\s+STATUS\s+SINCE\s+LANGUAGE\s+NAME$/);
    expect(row?.split(/\s{2,}/)).toEqual([
      lead.caseId,
      programme.slug,
      "lead",
      expect.any(String),
      "ar",
      "-",
    ]);
    expect(rest).toEqual([]);
  });

  test("an organisation without leads says so", async () => {
    const { counsellor } = await organisationWithCounsellor(db);
    expect(await cli(["leads", "list", "--as", counsellor.email])).toMatchObject({
      code: 0,
      stdout: "No leads waiting.\n",
    });
  });

  test("an unknown command exits 2 with one line and the usage", async () => {
    const { code, stdout, stderr } = await cli(["case", "frobnicate"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")[0]).toBe('Unknown command "case frobnicate".');
    expect(stderr).toContain("Usage: npm run cli -- <command> [options]");
  });

  test("a missing option names the option and shows the command's usage", async () => {
    const { code, stderr } = await cli(["case", "create", "--programme", "anything"]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe('Missing option --counsellor for "case create".');
    expect(stderr).toContain("Usage: npm run cli -- case create --programme <slug> --counsellor <email>");
  });

  test("an unknown option or a missing value exits 2 with a one-line message", async () => {
    const unknown = await cli(["org", "create", "--slug", "x", "--name", "y", "--colour", "red"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split("\n")[0]).toBe('Unknown option --colour for "org create".');
    const noValue = await cli(["org", "create", "--name", "y", "--slug"]);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr.split("\n")[0]).toBe('Option --slug needs a value (for "org create").');
  });

  test("a domain error exits 1 with its message and no stack trace", async () => {
    const { code, stdout, stderr } = await cli([
      "counsellor",
      "create",
      "--org",
      `nope-${uid()}`,
      "--name",
      "X",
      "--email",
      "x@example.org",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^No organisation with slug "nope-[0-9a-f]+"\.\n$/);
  });

  test("help lists every command of the table, and help <command> its options", async () => {
    const overview = await cli(["help"]);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toContain(command.words.join(" "));
    const one = await cli(["help", "programme", "create"]);
    expect(one.stdout).toContain("--default-intake");
    expect(one.stdout).toContain("--invite-code");
    expect((await cli(["leads", "list", "--help"])).stdout).toContain("--as <email>");
    expect((await cli([])).code).toBe(2);
  });
});
