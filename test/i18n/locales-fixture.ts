/**
 * A throw-away copy of the real `locales/` folder that a test may break on purpose.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repo's real locales folder. */
export const REAL_LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** A copy of the real locales in a temp folder, with helpers to edit one file. */
export interface LocalesFixture {
  dir: string;
  /** Rewrites `<lng>/<file>.json` through `edit` (parsed JSON in, JSON out). */
  edit(file: string, edit: (messages: Record<string, unknown>) => void): void;
  /** Replaces `<lng>/<file>.json` with raw text. */
  write(file: string, text: string): void;
  remove(file: string): void;
  cleanup(): void;
}

/** Copies the real locales into a fresh temp folder. */
export function copyLocales(): LocalesFixture {
  const dir = mkdtempSync(join(tmpdir(), "locales-"));
  cpSync(REAL_LOCALES_DIR, dir, { recursive: true });
  return {
    dir,
    edit(file, edit) {
      const path = join(dir, file);
      const messages = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      edit(messages);
      writeFileSync(path, JSON.stringify(messages, null, 2));
    },
    write: (file, text) => writeFileSync(join(dir, file), text),
    remove: (file) => rmSync(join(dir, file)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
