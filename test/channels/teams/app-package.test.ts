/**
 * `npm run teams:package`: the zip holds manifest.json (our app id as app and bot id, valid against
 * the manifest schema) and the two icons at their sizes; a bad app id or an http URL is refused.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { expect, test } from "vitest";
import { buildManifest, manifestSchema, pngSize } from "../../../src/channels/teams/app-package.ts";

const APP_ID = "6c1f4d2e-8a3b-4c5d-9e0f-123456789abc";

test("the command writes a zip with a valid manifest and the two icons", () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "teams-pkg-")), "app.zip");
  execFileSync(process.execPath, ["--import", "tsx", "src/channels/teams/package-command.ts", "--out", out], {
    env: {
      ...process.env,
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: "x",
      PUBLIC_URL: "https://bot.example.org",
    },
    stdio: "pipe",
  });
  const files = unzipSync(new Uint8Array(readFileSync(out)));
  expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
  const manifest = manifestSchema.parse(JSON.parse(new TextDecoder().decode(files["manifest.json"])));
  expect(manifest.id).toBe(APP_ID);
  expect(manifest.bots[0]?.botId).toBe(APP_ID);
  expect(manifest.validDomains).toEqual(["bot.example.org"]);
  expect(manifest.bots[0]?.commandLists[0]?.commands.map((c) => c.title)).toContain("start");
  expect(pngSize(files["color.png"] as Uint8Array)).toEqual({ width: 192, height: 192 });
  expect(pngSize(files["outline.png"] as Uint8Array)).toEqual({ width: 32, height: 32 });
});

test("an app id that is no GUID, or an http address, is refused", () => {
  const input = { publicUrl: "https://bot.example.org", commands: [] };
  expect(() => buildManifest({ ...input, appId: "not-a-guid" })).toThrow(/GUID/);
  expect(() => buildManifest({ ...input, appId: APP_ID, publicUrl: "http://bot.example.org" })).toThrow();
});

test("without MICROSOFT_APP_ID the command says what to do", () => {
  let stderr = "";
  try {
    execFileSync(process.execPath, ["--import", "tsx", "src/channels/teams/package-command.ts"], {
      env: { ...process.env, MICROSOFT_APP_ID: "", PUBLIC_URL: "https://bot.example.org" },
      stdio: "pipe",
    });
  } catch (error) {
    stderr = String((error as { stderr: Buffer }).stderr);
  }
  expect(stderr).toMatch(/MICROSOFT_APP_ID is not set/);
});
