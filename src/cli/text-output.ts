/** Plain-text output for people: aligned label/value blocks and tables, dates in one time zone. */
import { DateTime } from "luxon";

/** `label  value` lines with the values aligned; rows whose value is null or undefined are left out. */
export function formatFields(
  title: string,
  fields: [label: string, value: string | null | undefined][],
): string {
  const shown = fields.filter((field): field is [string, string] => field[1] != null);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return [title, ...shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join("\n");
}

/** A table with a header row and columns padded to their widest cell. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `2025-03-14 09:30` in `zone`. */
export function formatDateTime(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd HH:mm");
}
