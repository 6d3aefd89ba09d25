/**
 * `npm run teams:package [-- --out <file>]`: writes the Teams app package (default
 * teams-app.zip) for MICROSOFT_APP_ID and PUBLIC_URL, to upload in the Teams admin centre.
 */
import { writeFileSync } from "node:fs";
import { ConfigError, loadConfig, loadDotEnv } from "../../config.ts";
import { COMMANDS } from "../../conversation/commands.ts";
import { buildPackage } from "./app-package.ts";

const DESCRIPTIONS: Record<(typeof COMMANDS)[number], string> = {
  start: "Start, or link to your counsellor with a code",
  language: "Choose your language",
  assessment: "Tell us about your skills and situation",
  alerts: "Choose how often you get job offers",
  help: "What I can do",
  privacy: "What we keep about you",
  delete: "Erase everything we keep about you",
  stop: "Stop messages from me",
};

function main(argv: string[]): void {
  loadDotEnv();
  const config = loadConfig();
  const outIndex = argv.indexOf("--out");
  const out = outIndex >= 0 ? argv[outIndex + 1] : "teams-app.zip";
  if (!out) throw new ConfigError("--out needs a file name");
  if (!config.MICROSOFT_APP_ID)
    throw new ConfigError("MICROSOFT_APP_ID is not set: register the Azure Bot first (docs/teams.md)");
  if (!config.PUBLIC_URL?.startsWith("https://")) {
    throw new ConfigError("PUBLIC_URL must be the bot's https address (the messaging endpoint's host)");
  }
  const zip = buildPackage({
    appId: config.MICROSOFT_APP_ID,
    publicUrl: config.PUBLIC_URL,
    commands: COMMANDS.map((title) => ({ title, description: DESCRIPTIONS[title] })),
  });
  writeFileSync(out, zip);
  console.log(`Teams app package written to ${out}; upload it in the Teams admin centre (docs/teams.md).`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
