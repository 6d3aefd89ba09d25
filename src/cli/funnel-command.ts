/**
 * `funnel --programme <slug> [--from --to] [--counsellor --language --place] [--csv | --cases]`:
 * the programme's funnel. As text (and `--json`) with exact numbers, for the coordinator; `--csv`
 * prints the figures as they may leave the organisation (small numbers as "< 5"), `--cases` the
 * anonymised case rows. The command line has no staff accounts yet: it reads the programme of
 * whichever organisation runs it, as every other command here does.
 */

import { DomainError } from "../domain/errors.ts";
import { funnelCaseRowsCsv, funnelFiguresCsv } from "../domain/funnel/funnel-csv.ts";
import { loadFunnel } from "../domain/funnel/funnel-store.ts";
import type { FunnelReport } from "../domain/funnel/funnel-types.ts";
import type { CliCommand } from "./commands.ts";
import { flag, need, string } from "./option-values.ts";
import { formatTable } from "./text-output.ts";

const text = (name: string, value: string, description: string) => ({
  name,
  type: "string" as const,
  value,
  description,
});

export const funnelCommand: CliCommand = {
  words: ["funnel"],
  summary: "A programme's funnel: reached → … → still working after 6 months.",
  options: [
    { ...text("programme", "<slug>", "the programme's slug"), required: true },
    text("from", "YYYY-MM-DD", "count those who consented from this day (default: all time)"),
    text("to", "YYYY-MM-DD", "… up to this day"),
    text("counsellor", "<email>", "only this counsellor's cases"),
    text("language", "<code>", "only clients of this language (ro, ar, …)"),
    text("place", "<place>", "only clients of this place"),
    { name: "csv", type: "boolean", description: "the figures as CSV, small numbers protected" },
    { name: "cases", type: "boolean", description: "anonymised case rows as CSV" },
  ],
  async run(values, { db }) {
    const slug = need(values, "programme").trim().toLowerCase();
    const programme = await db.programme.findUnique({ where: { slug }, select: { organisationId: true } });
    if (!programme) throw new DomainError(`No programme "${slug}".`);
    const query = {
      programme: slug,
      from: string(values, "from"),
      to: string(values, "to"),
      counsellor: string(values, "counsellor"),
      language: string(values, "language"),
      place: string(values, "place"),
    };
    const loaded = await loadFunnel(db, { organisationId: programme.organisationId, query });
    const { report } = loaded;
    if (flag(values, "csv"))
      return { json: report, text: funnelFiguresCsv(slug, report, loaded.smallNumberThreshold).trimEnd() };
    if (flag(values, "cases"))
      return { json: report, text: funnelCaseRowsCsv(loaded.cases, report.filters, report.today).trimEnd() };
    return { json: { programme: slug, ...report }, text: funnelText(slug, report) };
  },
};

const show = (n: number | null) => (n === null ? "-" : String(n));
const percent = (ratio: number | null) => (ratio === null ? "-" : `${Math.round(ratio * 1000) / 10}%`);

function funnelText(slug: string, report: FunnelReport): string {
  const period = `${report.filters.from ?? "start"} – ${report.filters.to ?? "today"}`;
  const steps = formatTable(
    ["STEP", "COUNT", "OF", "CONVERSION", "MEDIAN DAYS"],
    report.steps.map((s) => [
      s.step,
      show(s.count),
      show(s.eligible),
      percent(s.conversion),
      show(s.medianDays),
    ]),
  );
  const dropOuts = formatTable(
    ["LEFT AFTER", "COUNT"],
    report.dropOuts.map((d) => [d.step, show(d.count)]),
  );
  const r = report.results;
  const results = formatTable(
    ["RESULT", "COUNT", "OF LEAVERS DUE"],
    [
      ["leavers", String(r.leavers), "-"],
      ["in employment or training 4 weeks after leaving", ...figure(r.inEmploymentOrTraining4Weeks)],
      ["in employment 6 months after leaving", ...figure(r.inEmployment6Months)],
    ],
  );
  return [`Funnel of ${slug}, ${period} (as of ${report.today})`, steps, dropOuts, results].join("\n\n");
}

function figure(f: { count: number; due: number }): [string, string] {
  return [String(f.count), String(f.due)];
}
