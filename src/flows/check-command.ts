/**
 * `npm run flows:check`: validates every flow file (schema, graph, conditions) and that every
 * message key a flow or the engine uses exists in every language, and that staff have a name for
 * each flow in their languages (flow-name.ts). One line per problem, naming the file and the step;
 * exit code 1 if there is any.
 */
import { loadConfig } from "../config.ts";
import { ENGINE_KEYS } from "../engine/validate.ts";
import { createTranslator } from "../i18n/i18n.ts";
import { CLIENT_LOCALES, COUNSELLOR_LOCALES } from "../i18n/translator.ts";
import { flowNameKey } from "./flow-name.ts";
import { FlowFileError, loadFlows } from "./flow-registry.ts";

/** Runs the check; returns the problem lines (empty when all is well). */
export async function checkFlows(
  flowsDir: string,
  localesDir: string,
): Promise<{ problems: string[]; flows: string[] }> {
  const translator = await createTranslator({ localesDir, fallbackLocale: "en" });
  const everywhere = (key: string) => CLIENT_LOCALES.every((locale) => translator.has(key, locale));
  const problems = ENGINE_KEYS.filter((key) => !everywhere(key)).map(
    (key) => `${localesDir}: the engine's key "${key}" is missing in some language`,
  );
  try {
    const registry = await loadFlows(flowsDir, everywhere);
    for (const id of registry.ids) {
      const key = flowNameKey(id);
      const missing = COUNSELLOR_LOCALES.filter((locale) => !translator.has(key, locale));
      if (missing.length)
        problems.push(
          `${registry.fileOf(id) ?? id}: staff have no name for this flow: add "${key}" in ${missing.join(", ")}`,
        );
    }
    return { problems, flows: [...registry.ids] };
  } catch (error) {
    if (error instanceof FlowFileError)
      return { problems: [...problems, ...error.message.split("\n")], flows: [] };
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "silent" });
  const { problems, flows } = await checkFlows(config.FLOWS_DIR, config.LOCALES_DIR);
  if (problems.length) {
    for (const line of problems) console.error(line);
    console.error(`flows:check: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`flows:check: OK (${flows.length} flows: ${flows.join(", ")})`);
}
