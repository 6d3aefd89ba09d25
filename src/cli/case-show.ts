/**
 * `case show <case id>`: one case and its latest self-assessment, the answers labelled in the
 * counsellor's language (nl, fr or en). The case fields are in English like the rest of the CLI;
 * the client is shown by their language only (no name, no platform ids).
 */
import {
  type AssessmentView,
  assessmentView,
  type ViewSection,
} from "../domain/assessment/assessment-view.ts";
import type { CaseOverview } from "../domain/assessment/case-overview.ts";
import { caseForStaff } from "../domain/cases/case-access.ts";
import { DomainError } from "../domain/errors.ts";
import { loadFlows } from "../flows/flow-registry.ts";
import { createTranslator } from "../i18n/i18n.ts";
import { COUNSELLOR_LOCALES, type CounsellorLocale } from "../i18n/translator.ts";
import type { CliCommand, CommandContext, OptionValues } from "./commands.ts";
import { formatDateTime, formatFields } from "./text-output.ts";

export const caseShowCommand: CliCommand = {
  words: ["case", "show"],
  summary: "Show a case and its latest self-assessment, in your language.",
  argument: { name: "case-id", value: "<case id>", description: "the case's id (see case list)" },
  options: [
    {
      name: "lang",
      type: "string",
      value: "nl|fr|en",
      description: "language of the answers (default: your own, see --as)",
    },
  ],
  run: showCase,
};

async function showCase(values: OptionValues, { db, config, staff }: CommandContext) {
  if (!staff) throw new Error("case show needs --as (withActingStaff)");
  const lang = values.lang as string | undefined;
  if (lang !== undefined && !(COUNSELLOR_LOCALES as readonly string[]).includes(lang))
    throw new DomainError(`Unknown language "${lang}" for --lang: use nl, fr or en.`);
  const overview = await caseForStaff(db, staff, values["case-id"] as string);
  const locale = (lang as CounsellorLocale | undefined) ?? overview.counsellorLocale;
  const view = overview.assessment ? await viewOf(overview.assessment, locale, config) : null;
  const assessment =
    overview.assessment && view
      ? {
          language: locale,
          flowVersion: overview.assessment.flowVersion,
          completedAt: overview.assessment.completedAt,
          sections: view.sections,
          readiness: { ...view.readiness, ...overview.assessment.readiness },
        }
      : null;
  return {
    json: { case: overview.case, assessment },
    text: [caseText(overview, config.TZ_DEFAULT), assessmentText(overview, view, config.TZ_DEFAULT)].join(
      "\n\n",
    ),
  };
}

async function viewOf(
  stored: NonNullable<CaseOverview["assessment"]>,
  locale: CounsellorLocale,
  config: CommandContext["config"],
): Promise<AssessmentView> {
  const [flows, translator] = await Promise.all([
    loadFlows(config.FLOWS_DIR),
    createTranslator({ localesDir: config.LOCALES_DIR }),
  ]);
  const flow =
    flows.version(stored.flowId, stored.flowVersion) ??
    (flows.has(stored.flowId) ? flows.latest(stored.flowId) : undefined);
  if (!flow)
    throw new DomainError(
      `The assessment was asked by flow "${stored.flowId}", which is not in ${config.FLOWS_DIR}.`,
    );
  return assessmentView({ flow, answers: stored.answers, readiness: stored.readiness, translator, locale });
}

function caseText({ case: c }: CaseOverview, zone: string): string {
  const programme = c.programmeSlug ? `${c.programmeSlug} (${c.programmeName})` : "(unassigned)";
  return formatFields("Case", [
    ["Case id", c.id],
    ["Status", c.status],
    ["Programme", programme],
    ["Counsellor", c.counsellorName ?? "-"],
    ["Reference", c.reference],
    ["Created", formatDateTime(c.createdAt, zone)],
    ["Linked", c.linkedAt ? formatDateTime(c.linkedAt, zone) : "not yet"],
    ["Client language", c.clientLinked ? (c.clientLocale ?? "-") : "- (no client linked yet)"],
  ]);
}

function assessmentText(overview: CaseOverview, view: AssessmentView | null, zone: string): string {
  if (overview.assessmentWithheld) return "Self-assessment not shown: the client's consent no longer stands.";
  if (!overview.assessment || !view) return "No self-assessment yet.";
  const heading = `Self-assessment, completed ${formatDateTime(overview.assessment.completedAt, zone)}`;
  return [heading, ...[...view.sections, view.readiness].map(sectionText)].join("\n\n");
}

/** A section as aligned `label  value` lines; a value's own line breaks stay under the value. */
function sectionText(section: ViewSection): string {
  const width = Math.max(0, ...section.lines.map((line) => line.label.length));
  const indent = `\n${" ".repeat(width + 4)}`;
  const lines = section.lines.map(
    ({ label, value }) => `  ${label.padEnd(width)}  ${printable(value).split("\n").join(indent)}`,
  );
  return [section.title, ...lines].join("\n");
}

/** Text the client typed, without control characters that could drive the terminal. */
function printable(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[^\P{Cc}\n]/gu, "");
}
