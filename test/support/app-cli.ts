/**
 * The command line (runCli, as `npm run cli` runs it) in this process, on a test app's database,
 * nudge queue, outbox and translator, with what it printed: the CLI tests' one way to call it.
 */
import type { App } from "../../src/app.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import type { SchedulingServices } from "../../src/cli/scheduling-services.ts";

/** Runs `argv` on `app`; `extra` adds scheduling services (e.g. the farewells queue). */
export async function cliOnApp(app: App, argv: string[], extra: Partial<SchedulingServices> = {}) {
  let [stdout, stderr] = ["", ""];
  const code = await runCli(argv, {
    db: app.db,
    config: app.config,
    scheduling: async () => ({
      queue: app.nudgeQueue,
      outbox: app.outbox,
      translator: app.translator,
      ...extra,
    }),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}
