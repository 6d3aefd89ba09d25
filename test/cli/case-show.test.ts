import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/run-cli.ts";
import { loadConfig } from "../../src/config.ts";
import { computeReadiness } from "../../src/domain/assessment/readiness.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import type { Answer } from "../../src/engine/types.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { testDb, uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";

const db = testDb();
afterAll(() => db.$disconnect());

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    db,
    config: loadConfig({ NODE_ENV: "test", DATABASE_URL: testDatabaseUrl() }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** An applicant in a reception centre, as the self-assessment stores them (codes only). */
const ANSWERS: Record<string, Answer> = {
  residence: "applicant",
  application_date: "2026-09-01",
  housing: "reception_centre",
  place: null,
  transport: ["bike", "public_transport"],
  driving_licence: false,
  childcare_needed: true,
  health_limits: false,
  housing_stable: true,
  urgent_money: false,
  languages: ["arabic", "english", "other"],
  dutch_level: "none",
  french_level: "basic",
  english_level: "good",
  elementary_school: true,
  secondary: "started",
  vocational: false,
  diploma_recognised: "no_diploma",
  experience: ["kitchen", "cleaning"],
  experience_years: "from_3_to_5",
  experience_where: "abroad",
  interests: ["kitchen_pastry", "cleaning", "other"],
  hours: "either",
  shifts: ["day", "evening"],
  weekends: true,
  start_when: "within_month",
  motivation: "Ik wil koken",
};

/** An organisation, a programme and a counsellor working in `locale`. */
async function organisation(locale: "nl" | "fr" | "en") {
  const {
    organisation: org,
    programme,
    counsellor,
  } = await organisationWithCounsellor(db, {
    programme: "Roma@Work",
    locale,
  });
  return { org, programme, counsellor };
}

/** A case with a linked, consenting Arabic-speaking client, and (unless told not) their assessment. */
async function caseWithAssessment(options: { assessment?: boolean; locale?: "nl" | "fr" | "en" } = {}) {
  const { programme, counsellor } = await organisation(options.locale ?? "fr");
  const created = await createCase(db, {
    programmeSlug: programme.slug,
    counsellorEmail: counsellor.email,
    reference: "AB-12",
  });
  const client = await db.client.create({ data: { displayName: "Samira", locale: "ar" } });
  const conversation = await db.conversation.create({
    data: {
      channel: "telegram",
      externalConversationId: `chat-${uid()}`,
      externalUserId: `user-${uid()}`,
      clientId: client.id,
    },
  });
  await db.consent.create({
    data: {
      conversationId: conversation.id,
      clientId: client.id,
      noticeVersion: "test-1",
      decision: "accepted",
      channel: "telegram",
    },
  });
  await db.case.update({
    where: { id: created.id },
    data: { clientId: client.id, linkedAt: new Date(), inviteCode: null, status: "preparation" },
  });
  if (options.assessment !== false) {
    const readiness = computeReadiness(ANSWERS, "2027-01-01", "2026-11-23");
    await db.assessment.create({
      data: {
        clientId: client.id,
        caseId: created.id,
        flowId: "self_assessment",
        flowVersion: 2,
        answers: ANSWERS,
        legalAccessDate: new Date("2027-01-01T00:00:00Z"),
        readiness: readiness as object,
      },
    });
  }
  return { caseId: created.id, counsellor, programme, conversation };
}

type Printed = {
  case: Record<string, unknown>;
  assessment: {
    language: string;
    completedAt: string;
    sections: { title: string; lines: { label: string; value: string }[] }[];
    readiness: { title: string; lines: { label: string; value: string }[]; openPreconditions: string[] };
  } | null;
};

/** `label → value` of every line, section titles in order. */
function linesOf(printed: Printed) {
  const sections = printed.assessment?.sections ?? [];
  const readiness = printed.assessment?.readiness;
  return {
    titles: [...sections.map((s) => s.title), readiness?.title],
    values: new Map(
      [...sections, ...(readiness ? [readiness] : [])].flatMap((s) => s.lines.map((l) => [l.label, l.value])),
    ),
  };
}

describe("case show", () => {
  let applicant: Awaited<ReturnType<typeof caseWithAssessment>>;
  beforeAll(async () => {
    applicant = await caseWithAssessment();
  });

  test("in Dutch: labelled answers by section, in the flow's order, then the readiness", async () => {
    const { code, stdout, stderr } = await cli([
      "case",
      "show",
      applicant.caseId,
      "--as",
      applicant.counsellor.email,
      "--lang",
      "nl",
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(new RegExp(`^Case\\n  Case id +${applicant.caseId}\\n`));
    expect(stdout).toMatch(/^ {2}Status +preparation$/m);
    expect(stdout).toMatch(new RegExp(`^  Programme +${applicant.programme.slug} \\(Roma@Work\\)$`, "m"));
    expect(stdout).toMatch(/^ {2}Client language +ar$/m);
    expect(stdout).toContain("\nSelf-assessment, completed ");
    const line = (label: string, value: string) =>
      expect(stdout).toMatch(new RegExp(`^  ${label} +${value.replace(/[()]/g, "\\$&")}$`, "m"));
    line("Verblijfsstatus", "Verzoeker om internationale bescherming");
    line("Datum van het verzoek om internationale bescherming", "1 september 2026");
    line("Gemeente of opvangcentrum", "overgeslagen");
    line("Rijbewijscategorieën", "—");
    line("Vervoer naar het werk", "Fiets, Openbaar vervoer");
    line("Rijbewijs", "Nee");
    line("Gesproken talen", "Arabisch, Engels, Andere taal");
    line("Nederlands \\(zelfinschatting\\)", "Geen");
    line("Frans \\(zelfinschatting\\)", "Basis");
    line("Werkervaring \\(duur\\)", "3–5 jaar");
    line("Interesses", "Keuken en patisserie, Schoonmaak, Andere");
    line("Motivatie \\(eigen woorden van de cliënt\\)", "Ik wil koken");
    line("Mag werken vanaf", "1 januari 2027");
    line("Openstaande randvoorwaarden", "Toegang tot de arbeidsmarkt, Kinderopvang");
    line("Passende sectoren", "Keuken en patisserie, Schoonmaak");
    const headings = stdout.split("\n").filter((l) => /^\S/.test(l));
    expect(headings.slice(2)).toEqual([
      "Situatie",
      "Randvoorwaarden",
      "Talen",
      "Opleiding",
      "Werkervaring",
      "Interesses",
      "Beschikbaarheid",
      "Motivatie",
      "Inzetbaarheid",
    ]);
    expect(stdout.indexOf("Verblijfsstatus")).toBeLessThan(stdout.indexOf("Huisvesting "));
    expect(stdout).not.toContain("Samira");
    expect(stdout).not.toContain(applicant.conversation.externalUserId);
  });

  test("in French and English, the same answers read in that language (--json)", async () => {
    const fr = linesOf(
      JSON.parse(
        (
          await cli([
            "case",
            "show",
            applicant.caseId,
            "--as",
            applicant.counsellor.email,
            "--lang",
            "fr",
            "--json",
          ])
        ).stdout,
      ),
    );
    expect(fr.titles[0]).toBe("Situation");
    expect(fr.titles.at(-1)).toBe("Préparation à l’emploi");
    expect(fr.values.get("Statut de séjour")).toBe("Demandeur de protection internationale");
    expect(fr.values.get("Date de la demande de protection internationale")).toBe("1 septembre 2026");
    expect(fr.values.get("Français (auto-évaluation)")).toBe("Notions de base");
    expect(fr.values.get("Langues parlées")).toBe("Arabe, Anglais, Autre langue");
    expect(fr.values.get("Commune ou centre d’accueil")).toBe("passé");
    expect(fr.values.get("Peut travailler à partir du")).toBe("1 janvier 2027");

    const en = linesOf(
      JSON.parse(
        (
          await cli([
            "case",
            "show",
            applicant.caseId,
            "--as",
            applicant.counsellor.email,
            "--lang",
            "en",
            "--json",
          ])
        ).stdout,
      ),
    );
    expect(en.values.get("Residence status")).toBe("Applicant for international protection");
    expect(en.values.get("Date of application for international protection")).toBe("1 September 2026");
    expect(en.values.get("English (self-assessed)")).toBe("Good");
    expect(en.values.get("Interests")).toBe("Cooking and pastry, Cleaning, Other");
    expect(en.values.get("Municipality or reception centre")).toBe("skipped");
    expect(en.values.get("Open preconditions")).toBe("Legal access to work, Childcare");
    expect(en.values.get("Fitting sectors")).toBe("Cooking and pastry, Cleaning");
  });

  test("without --lang it uses the counsellor's own language, and --json has the documented shape", async () => {
    const { code, stdout } = await cli([
      "case",
      "show",
      applicant.caseId,
      "--as",
      applicant.counsellor.email,
      "--json",
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(Object.keys(printed)).toEqual(["case", "assessment"]);
    expect(printed.case).toEqual({
      id: applicant.caseId,
      status: "preparation",
      programmeSlug: applicant.programme.slug,
      programmeName: "Roma@Work",
      counsellorName: applicant.counsellor.name,
      counsellorEmail: applicant.counsellor.email,
      reference: "AB-12",
      createdAt: expect.any(String),
      linkedAt: expect.any(String),
      clientLinked: true,
      clientLocale: "ar",
    });
    expect(printed.assessment).toMatchObject({
      language: "fr",
      completedAt: expect.any(String),
      readiness: {
        legalAccessDate: "2027-01-01",
        openPreconditions: ["legal_access", "childcare"],
        sectors: ["kitchen_pastry", "cleaning"],
        ready: false,
      },
    });
    expect(printed.assessment.sections[0]).toEqual({
      title: "Situation",
      lines: expect.arrayContaining([
        { label: "Statut de séjour", value: "Demandeur de protection internationale" },
      ]),
    });
    expect(printed.assessment.sections).toHaveLength(8);
  });

  test("a counsellor of another organisation is refused (as if the case did not exist), one of the same organisation sees the case", async () => {
    const other = await organisation("en");
    const refused = await cli(["case", "show", applicant.caseId, "--as", other.counsellor.email]);
    expect(refused).toEqual({ code: 1, stdout: "", stderr: "No such case.\n" });
    const unknown = await cli(["case", "show", `nope${uid()}`, "--as", other.counsellor.email]);
    expect(unknown).toEqual(refused);

    const own = await cli(["case", "show", applicant.caseId, "--as", applicant.counsellor.email]);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^ {2}Statut de séjour +Demandeur de protection internationale$/m);
  });

  test("a case without an assessment says so in one line", async () => {
    const { caseId, counsellor } = await caseWithAssessment({ assessment: false });
    const { code, stdout } = await cli(["case", "show", caseId, "--as", counsellor.email]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("No self-assessment yet.");
    expect(
      JSON.parse((await cli(["case", "show", caseId, "--as", counsellor.email, "--json"])).stdout).assessment,
    ).toBeNull();
  });

  test("an unknown case id, a missing id or an unknown language exits with one line", async () => {
    const id = `nope${uid()}`;
    expect(await cli(["case", "show", id, "--as", applicant.counsellor.email])).toEqual({
      code: 1,
      stdout: "",
      stderr: "No such case.\n",
    });
    const nobody = await cli(["case", "show", applicant.caseId, "--as", `nobody-${uid()}@example.org`]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("No active staff member");
    const without = await cli(["case", "show", applicant.caseId]);
    expect(without.code).toBe(2);
    expect(without.stderr.split("\n")[0]).toBe('Missing option --as for "case show".');
    const missing = await cli(["case", "show"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe('Missing <case id> for "case show".');
    const lang = await cli([
      "case",
      "show",
      applicant.caseId,
      "--as",
      applicant.counsellor.email,
      "--lang",
      "de",
    ]);
    expect(lang).toEqual({
      code: 1,
      stdout: "",
      stderr: 'Unknown language "de" for --lang: use nl, fr or en.\n',
    });
  });

  test("an assessment is not shown once the client's consent no longer stands", async () => {
    const withdrawn = await caseWithAssessment();
    await db.consent.create({
      data: {
        conversationId: withdrawn.conversation.id,
        clientId: (await db.case.findUniqueOrThrow({ where: { id: withdrawn.caseId } })).clientId,
        noticeVersion: "test-1",
        decision: "withdrawn",
        channel: "telegram",
        decidedAt: new Date(Date.now() + 1000),
      },
    });
    const { code, stdout } = await cli([
      "case",
      "show",
      withdrawn.caseId,
      "--as",
      withdrawn.counsellor.email,
    ]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      "Self-assessment not shown: the client's consent no longer stands.",
    );
    expect(stdout).not.toContain("Ik wil koken");
  });

  test("help shows the argument", async () => {
    const { code, stdout } = await cli(["help", "case", "show"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: npm run cli -- case show <case id> --as <email> [--lang nl|fr|en]");
  });

  test("the client's own words are shown, without terminal control characters", async () => {
    const { caseId, counsellor } = await caseWithAssessment({ assessment: false });
    const row = await db.case.findUniqueOrThrow({ where: { id: caseId } });
    await db.assessment.create({
      data: {
        clientId: row.clientId ?? "",
        caseId,
        flowId: "self_assessment",
        flowVersion: 2,
        answers: { ...ANSWERS, motivation: "Koken\u001b[2J\nen bakken" },
        readiness: computeReadiness(ANSWERS, "2027-01-01", "2026-11-23") as object,
      },
    });
    const { stdout } = await cli(["case", "show", caseId, "--as", counsellor.email, "--lang", "en"]);
    expect(stdout).not.toContain("\u001b");
    // English writes the plain apostrophe (src/i18n/typography.ts).
    expect(stdout).toMatch(/^ {2}Motivation \(client's own words\) {2}Koken\[2J\n {35}en bakken$/m);
  });
});
