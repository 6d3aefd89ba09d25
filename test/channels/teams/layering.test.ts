/**
 * botbuilder is archived upstream; its successor (@microsoft/agents-hosting) keeps the same
 * shape. Every import of botbuilder, its connector and MSAL stays in src/channels/teams/, so that
 * the move is a change of that folder only.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";

const BOT_FRAMEWORK_IMPORT = /from\s+["'](botbuilder[^"']*|botframework-[^"']*|@azure\/msal-[^"']*)["']/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full.includes(`${path.sep}generated`) ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

test("botbuilder, botframework-* and MSAL are imported only in src/channels/teams/", () => {
  const outside = sourceFiles("src")
    .filter((file) => !file.startsWith(path.join("src", "channels", "teams") + path.sep))
    .filter((file) => BOT_FRAMEWORK_IMPORT.test(readFileSync(file, "utf8")));
  expect(outside).toEqual([]);
  const inside = sourceFiles(path.join("src", "channels", "teams")).filter((file) =>
    BOT_FRAMEWORK_IMPORT.test(readFileSync(file, "utf8")),
  );
  expect(inside.length).toBeGreaterThan(0);
});
