// The CI summary (used by .ci/run): reads vitest's JSON report and prints the failed tests, then
// exactly one last line `tests: N passed, N failed`. A missing or unreadable report means the run
// crashed before vitest could write it, and counts as one failure. Plain Node, no dependencies.
//
// Usage: node scripts/ci-summary.mjs <report.json> [vitest exit code] [<report.json> <exit code>]…
// With more than one report (the suite run on two Node versions), the counts are summed and each
// failed test is named with the report it comes from.
import { readFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

const MAX_LISTED = 40;
const CRASHED = { passed: 0, failed: 1, details: [] };

/** ": " and the first line of a failure message, shortened, without ANSI colours ("" if none). */
function firstLine(message) {
  const plain = stripVTControlCharacters(String(message ?? ""));
  const line = (plain.split("\n").find((l) => l.trim()) ?? "").trim();
  if (!line) return "";
  return `: ${line.length > 160 ? `${line.slice(0, 157)}…` : line}`;
}

/** Names the failed tests, and the test files that failed without running any test. */
function failures(report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const name = path.relative(process.cwd(), file.name ?? "?");
    const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const test of failed) {
      lines.push(`  ✗ ${name} › ${test.fullName ?? test.title}${firstLine(test.failureMessages?.[0])}`);
    }
    if (file.status === "failed" && failed.length === 0) {
      lines.push(`  ✗ ${name} (the file failed outside its tests)${firstLine(file.message)}`);
    }
  }
  if (lines.length > MAX_LISTED) {
    return [...lines.slice(0, MAX_LISTED), `  … and ${lines.length - MAX_LISTED} more`];
  }
  return lines;
}

/**
 * Counts from the report. When vitest failed without a failed test (a file that would not load,
 * an unhandled error), the failure still shows: as the number of failed files, at least one.
 */
function summarise(report, exitCode = 0) {
  const passed = report?.numPassedTests;
  let failed = report?.numFailedTests;
  if (!Number.isInteger(passed) || !Number.isInteger(failed)) return CRASHED;
  const brokenRun = report.success === false || (report.numFailedTestSuites ?? 0) > 0 || exitCode !== 0;
  if (failed === 0 && brokenRun) failed = Math.max(1, report.numFailedTestSuites ?? 0);
  return { passed, failed, details: failures(report) };
}

function read(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
if (args.length === 0) args.push(".vitest-results.json");
const runs = [];
for (let i = 0; i < args.length; i += 2)
  runs.push({ file: args[i], exitCode: Number(args[i + 1] ?? 0) || 0 });

let passed = 0;
let failed = 0;
const details = [];
for (const { file, exitCode } of runs) {
  const result = summarise(read(file), exitCode);
  passed += result.passed;
  failed += result.failed;
  if (result === CRASHED)
    console.log(`No usable test report in ${file}: the run crashed before vitest wrote it.`);
  const label = runs.length > 1 ? `[${path.basename(file)}] ` : "";
  details.push(...result.details.map((line) => line.replace("  ✗ ", `  ✗ ${label}`)));
}
if (details.length) console.log(["Failed:", ...details].join("\n"));
console.log(`tests: ${passed} passed, ${failed} failed`);
