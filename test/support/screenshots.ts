/**
 * Where browser tests leave their screenshots for a person to look at: the folder an environment
 * variable names (CONSOLE_SCREENSHOTS for the console, WEBCHAT_SCREENSHOTS for the web chat), else
 * one in the system's temp dir. Never in the repository (docs/images is written on purpose only).
 */
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const DEFAULTS = {
  CONSOLE_SCREENSHOTS: "console-screenshots",
  WEBCHAT_SCREENSHOTS: "webchat-screenshots",
} as const;

/** The folder of `variable` (with `sub` inside it), made if missing. */
export function screenshotFolder(variable: keyof typeof DEFAULTS, sub = ""): string {
  const folder = path.join(process.env[variable] ?? path.join(os.tmpdir(), DEFAULTS[variable]), sub);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** The path of the console's screenshot `name` (`name.png` in CONSOLE_SCREENSHOTS). */
export function consoleShot(name: string): string {
  return path.join(screenshotFolder("CONSOLE_SCREENSHOTS"), `${name}.png`);
}
