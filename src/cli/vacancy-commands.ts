/**
 * `vacancy create | match | send | digest`: a counsellor posts a vacancy (texts per language, no
 * CV by default), sees the ranked list of matching clients with the reasons, the clients left out
 * with why, and the language each would get it in ("-": no text they read yet); sends it; and can
 * send the weekly digest now (ids and counts only, no names).
 */

import { sendJobAlerts } from "../domain/vacancies/job-alerts.ts";
import { sendJobDigests } from "../domain/vacancies/job-digest.ts";
import { createVacancy, matchVacancy } from "../domain/vacancies/vacancies.ts";
import {
  CONTRACT_TYPES,
  type ContractTypeCode,
  JOB_TITLE_CODES,
  type JobTitleCode,
} from "../domain/vacancies/vacancy-lists.ts";
import { createTranslator } from "../i18n/i18n.ts";
import { renderOutputs } from "../i18n/render.ts";
import { CLIENT_LOCALES } from "../i18n/translator.ts";
import type { CliCommand, OptionValues } from "./commands.ts";
import { calendarDate, dash, flag, need, string } from "./option-values.ts";
import { formatFields, formatTable } from "./text-output.ts";

const createCommand: CliCommand = {
  words: ["vacancy", "create"],
  summary: "Post a vacancy (blind hiring: no CV unless --cv-needed).",
  options: [
    { name: "org", type: "string", value: "<slug>", required: true, description: "the organisation's slug" },
    {
      name: "employer",
      type: "string",
      value: "<name>",
      required: true,
      description: "hidden from clients unless --show-employer",
    },
    {
      name: "show-employer",
      type: "boolean",
      description: "show the employer's name to clients from the start",
    },
    {
      name: "job",
      type: "string",
      value: "<code>",
      description: `the job title, translated for every client: ${JOB_TITLE_CODES.join(", ")}`,
    },
    {
      name: "job-text",
      type: "string",
      value: "<title>",
      description: "last resort, when no title of the list fits: shown as written in every language",
    },
    {
      name: "sector",
      type: "string",
      value: "<code>",
      description: "an interest code (cleaning, construction, kitchen_pastry, …); default: the job title's",
    },
    {
      name: "municipality",
      type: "string",
      value: "<name>",
      required: true,
      description: "where the work is",
    },
    { name: "access", type: "string", value: "<text>", description: "how to get there" },
    { name: "no-public-transport", type: "boolean", description: "not reachable by public transport" },
    {
      name: "hours",
      type: "string",
      value: "full_time|part_time|either",
      required: true,
      description: "working hours",
    },
    { name: "shifts", type: "string", value: "day,evening,night", description: "shifts (default day)" },
    { name: "weekends", type: "boolean", description: "weekend work" },
    {
      name: "contract",
      type: "string",
      value: "<code>",
      description: `the contract type, translated for every client: ${CONTRACT_TYPES.join(", ")}`,
    },
    { name: "contract-months", type: "string", value: "<n>", description: "months of a fixed_term contract" },
    {
      name: "contract-text",
      type: "string",
      value: "<text>",
      description: "last resort, when no contract type of the list fits: shown as written",
    },
    { name: "start", type: "string", value: "YYYY-MM-DD", description: "start date" },
    { name: "places", type: "string", value: "<n>", description: "number of places (default 1)" },
    { name: "dutch", type: "string", value: "none|basic|good|fluent", description: "minimum Dutch" },
    { name: "french", type: "string", value: "none|basic|good|fluent", description: "minimum French" },
    { name: "licence", type: "string", value: "<category>", description: "driving licence needed, e.g. B" },
    { name: "cv-needed", type: "boolean", description: "the employer asks for a CV" },
    ...CLIENT_LOCALES.map((locale) => ({
      name: `text-${locale}`,
      type: "string" as const,
      value: "<text>",
      description: `the short description in ${locale} (written or checked by a person)`,
    })),
  ],
  async run(values, { db }) {
    const texts: Record<string, string> = {};
    for (const locale of CLIENT_LOCALES) {
      const text = string(values, `text-${locale}`);
      if (text) texts[locale] = text;
    }
    const start = string(values, "start");
    const dutch = string(values, "dutch");
    const french = string(values, "french");
    const licence = string(values, "licence");
    const access = string(values, "access");
    const places = string(values, "places");
    const months = string(values, "contract-months");
    const vacancy = await createVacancy(db, {
      ...listOrText(values),
      ...(months ? { contractMonths: Number(months) } : {}),
      organisationSlug: need(values, "org").trim().toLowerCase(),
      employer: need(values, "employer"),
      employerHidden: !flag(values, "show-employer"),
      municipality: need(values, "municipality"),
      publicTransport: !flag(values, "no-public-transport"),
      hours: need(values, "hours") as "full_time",
      shifts: (string(values, "shifts") ?? "day").split(",").map((s) => s.trim()) as ["day"],
      weekends: flag(values, "weekends"),
      cvNeeded: flag(values, "cv-needed"),
      texts,
      ...(start ? { startDate: calendarDate(start, "--start") } : {}),
      ...(dutch ? { dutchLevel: dutch as "basic" } : {}),
      ...(french ? { frenchLevel: french as "basic" } : {}),
      ...(licence ? { drivingLicence: licence } : {}),
      ...(access ? { access } : {}),
      ...(places ? { places: Number(places) } : {}),
    });
    return {
      json: vacancy,
      text: formatFields("Vacancy posted", [
        ["Id", vacancy.id],
        ["Job", `${vacancy.jobCode ?? `"${vacancy.job}"`} (${vacancy.sector})`],
        ["Contract", vacancy.contractCode ?? `"${vacancy.contractType}"`],
        ["Where", vacancy.municipality],
        ["Texts in", Object.keys(texts).join(", ")],
        ["CV needed", vacancy.cvNeeded ? "yes" : "no"],
      ]),
    };
  },
};

/** The job title and contract from the lists (`--job`, `--contract`), else the free texts. */
function listOrText(values: OptionValues) {
  const job = string(values, "job");
  const jobText = string(values, "job-text");
  const contract = string(values, "contract");
  const contractText = string(values, "contract-text");
  const sector = string(values, "sector");
  return {
    ...(job ? { jobCode: job as JobTitleCode } : {}),
    ...(jobText ? { job: jobText } : {}),
    ...(contract ? { contractCode: contract as ContractTypeCode } : {}),
    ...(contractText ? { contractType: contractText } : {}),
    ...(sector ? { sector } : {}),
  };
}

const matchCommand: CliCommand = {
  words: ["vacancy", "match"],
  summary: "The organisation's clients for a vacancy, ranked, with reasons; then those left out, with why.",
  argument: { name: "vacancy-id", value: "<vacancy id>", description: "the vacancy's id" },
  options: [
    {
      name: "today",
      type: "string",
      value: "YYYY-MM-DD",
      description: "the date legal access is checked against",
    },
  ],
  async run(values, { db, config, staff }) {
    const today = string(values, "today") ?? new Date().toISOString().slice(0, 10);
    const ranked = await matchVacancy(db, {
      vacancyId: need(values, "vacancy-id"),
      today: calendarDate(today, "--today"),
    });
    // Why, in words in the counsellor's language (codes stay in --json).
    const translator = await createTranslator({ localesDir: config.LOCALES_DIR });
    const locale = staff?.locale ?? "en";
    const words = (r: (typeof ranked)[number]) =>
      renderOutputs(r.notes, locale, translator)
        .map((n) => n.message.text)
        .join(" · ");
    const rows = ranked.map((r) => [
      r.caseId,
      r.included ? String(r.score) : "-",
      dash(r.locale),
      r.included ? words(r) : `left out: ${words(r)}`,
    ]);
    return {
      json: ranked,
      text:
        ranked.length === 0
          ? "No candidates (clients need consent and a self-assessment)."
          : formatTable(["CASE", "SCORE", "LANGUAGE", "WHY"], rows),
    };
  },
};

const sendCommand: CliCommand = {
  words: ["vacancy", "send"],
  summary: "Send the vacancy to its matching clients (see vacancy match), in a language each reads.",
  argument: { name: "vacancy-id", value: "<vacancy id>", description: "the vacancy's id" },
  options: [
    { name: "exclude", type: "string", value: "<case id,…>", description: "cases not to send it to" },
    {
      name: "include",
      type: "string",
      value: "<case id,…>",
      description: "cases left out for fit (language, licence, hours, shifts, weekends) to send it to anyway",
    },
    {
      name: "today",
      type: "string",
      value: "YYYY-MM-DD",
      description: "the date legal access is checked against",
    },
  ],
  async run(values, { db, scheduling }) {
    const { outbox, translator } = await scheduling();
    const today = string(values, "today") ?? new Date().toISOString().slice(0, 10);
    const exclude = (string(values, "exclude") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const report = await sendJobAlerts(
      { db, translator, outbox },
      {
        vacancyId: need(values, "vacancy-id"),
        today: calendarDate(today, "--today"),
        excludeCaseIds: exclude,
        includeCaseIds: (string(values, "include") ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      },
    );
    return {
      json: report,
      text: formatFields("Job alerts", [
        ["Sent", report.sent.join(", ") || "-"],
        ["For the weekly digest", report.digest.join(", ") || "-"],
        ["No text they read", report.noText.join(", ") || "-"],
        ["Already sent", report.notNow.join(", ") || "-"],
        ["Left out", report.excluded.join(", ") || "-"],
        [
          "Cannot be added (no alerts wanted, no legal access, or no self-assessment)",
          report.cannotAdd.join(", ") || "-",
        ],
      ]),
    };
  },
};

const digestCommand: CliCommand = {
  words: ["vacancy", "digest"],
  summary:
    "Send the weekly job digest now to the clients who chose it (the bot's workers also do this on Mondays at 10:00).",
  options: [],
  async run(_values, { db, config, scheduling }) {
    const { outbox, translator } = await scheduling();
    const report = await sendJobDigests(
      { db, translator, outbox },
      { now: new Date(), timeZone: config.TZ_DEFAULT },
    );
    const rows = [
      ...report.sent.map((r) => [dash(r.caseId ?? undefined), r.clientId, String(r.jobs), "sent"]),
      ...report.skipped.map((r) => [dash(r.caseId ?? undefined), r.clientId, "-", r.reason]),
    ];
    return {
      json: report,
      text: rows.length
        ? `Weekly job digest ${report.week}\n${formatTable(["CASE", "CLIENT", "JOBS", "RESULT"], rows)}`
        : `Weekly job digest ${report.week}: no client has jobs waiting.`,
    };
  },
};

export const vacancyCommands: readonly CliCommand[] = [
  createCommand,
  matchCommand,
  sendCommand,
  digestCommand,
];
