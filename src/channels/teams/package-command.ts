/**
 * `npm run teams:package [-- --out <file>]`: writes the Teams app package (default
 * teams-app.zip) for MICROSOFT_APP_ID and PUBLIC_URL, to upload in the Teams admin centre.
 */
import { writeFileSync } from "node:fs";
import { ConfigError, loadConfig, loadDotEnv } from "../../config.ts";
import { CLIENT_COMMANDS } from "../../domain/commands/client-commands.ts";
import { createTranslator } from "../../i18n/i18n.ts";
import { buildPackage, teamsCommandList } from "./app-package.ts";

async function main(argv: string[]): Promise<void> {
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
  // The command table, described in English (the manifest's language).
  const translator = await createTranslator({ localesDir: config.LOCALES_DIR });
  const commands = teamsCommandList(CLIENT_COMMANDS, (key) => translator.t(key, "en"));
  const zip = buildPackage({
    appId: config.MICROSOFT_APP_ID,
    publicUrl: config.PUBLIC_URL,
    commands,
  });
  writeFileSync(out, zip);
  console.log(`Teams app package written to ${out}; upload it in the Teams admin centre (docs/teams.md).`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
