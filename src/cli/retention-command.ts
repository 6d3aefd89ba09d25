/**
 * `retention --programme <slug> [--today YYYY-MM-DD]`: of a programme's placements that started at
 * least 1, 3 or 6 months ago, how many are still working (not ended before the mark, and the
 * client did not say at that check-in that they stopped).
 */
import { DateTime } from "luxon";
import { retention } from "../domain/placements/placements.ts";
import { programmeTimeZone } from "./case-time-zone.ts";
import type { CliCommand } from "./commands.ts";
import { calendarDate, need, string } from "./option-values.ts";
import { formatTable } from "./text-output.ts";

export const retentionCommand: CliCommand = {
  words: ["retention"],
  summary: "Placements of a programme still working after 1, 3 and 6 months.",
  options: [
    {
      name: "programme",
      type: "string",
      value: "<slug>",
      required: true,
      description: "the programme's slug",
    },
    {
      name: "today",
      type: "string",
      value: "YYYY-MM-DD",
      description: "count as of this day (default: today in the programme's time zone)",
    },
  ],
  async run(values, { db, config }) {
    const programmeSlug = need(values, "programme").trim().toLowerCase();
    const given = string(values, "today");
    const programme = await db.programme.findUnique({
      where: { slug: programmeSlug },
      select: { timezone: true, settings: true },
    });
    const today =
      given !== undefined
        ? calendarDate(given, "today")
        : DateTime.now().setZone(programmeTimeZone(programme, config.TZ_DEFAULT)).toFormat("yyyy-MM-dd");
    const rows = await retention(db, { programmeSlug, today });
    const table = formatTable(
      ["AFTER", "STARTED", "STILL WORKING", "RATE"],
      rows.map((r) => [
        `${r.months} month${r.months === 1 ? "" : "s"}`,
        String(r.started),
        String(r.stillWorking),
        r.rate === null ? "-" : `${Math.round(r.rate * 100)}%`,
      ]),
    );
    return {
      json: { programme: programmeSlug, today, retention: rows },
      text: `Retention of ${programmeSlug} on ${today}\n\n${table}`,
    };
  },
};
