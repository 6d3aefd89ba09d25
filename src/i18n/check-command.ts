/**
 * `npm run i18n:check`: prints one line per problem in `locales/` and exits 1, or prints a
 * one-line summary when every language has every key. Another folder: `… check-command.ts <dir>`.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLocales, formatProblem, loadKeyIndex } from "./check.ts";

const localesDir = process.argv[2]
  ? resolve(process.argv[2])
  : fileURLToPath(new URL("../../locales", import.meta.url));

/** Runs the check on the repo's locales and reports to stdout. */
function main(): void {
  const problems = checkLocales(localesDir);
  for (const problem of problems) console.log(formatProblem(problem, localesDir));
  if (problems.length > 0) {
    console.log(`i18n check: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    process.exitCode = 1;
    return;
  }
  const { locales } = loadKeyIndex(localesDir);
  console.log(`i18n check OK: ${locales.length} locales (${locales.join(", ")}) match en`);
}

main();
