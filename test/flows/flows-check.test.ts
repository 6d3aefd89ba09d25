/** The shipped flows pass the check, and the check catches a coordinator's mistakes in a copy. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { checkFlows } from "../../src/flows/check-command.ts";

test("every flow in flows/ is valid and all its keys exist in every language", async () => {
  const { problems, flows } = await checkFlows("flows", "locales");
  expect(problems).toEqual([]);
  expect(flows).toEqual(expect.arrayContaining(["onboarding", "language", "erase"]));
});

test("a broken copy of onboarding is reported by file and step", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flows-"));
  cpSync("flows", dir, { recursive: true });
  const file = path.join(dir, "onboarding.yaml");
  const broken = readFileSync(file, "utf8")
    .replace("next: linked", "next: linkd")
    .replace("text: onboarding.lead", "text: onboarding.lead_typo");
  writeFileSync(file, broken);
  const { problems } = await checkFlows(dir, "locales");
  const shown = path.relative(process.cwd(), file);
  expect(problems).toContain(`${shown}: step "link_result": goes to an unknown step "linkd"`);
  expect(problems).toContain(
    `${shown}: step "lead": message key "onboarding.lead_typo" is missing in some language`,
  );
});

test("every key the conversation core and the domains' turn handlers send exists in English (and so, by i18n:check, everywhere)", async () => {
  const { createTranslator } = await import("../../src/i18n/i18n.ts");
  const translator = await createTranslator({ localesDir: "locales" });
  const files = readdirSync("src", { recursive: true, encoding: "utf8" }).filter(
    (f) => f.startsWith("conversation/") || /-turns\.ts$|client-commands\.ts$/.test(f),
  );
  const sources = files.map((f) => readFileSync(path.join("src", f), "utf8"));
  const keys = new Set(
    sources.flatMap((s) => [...s.matchAll(/key: "([a-z_]+\.[a-z_.]+)"/g)].map((m) => m[1] as string)),
  );
  expect(keys.size).toBeGreaterThan(10);
  for (const key of keys) expect(translator.has(key, "en"), key).toBe(true);
});

test("a flow staff have no name for (console.flow_<id> in nl, fr and en) is reported by file", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flows-"));
  cpSync("flows", dir, { recursive: true });
  const file = path.join(dir, "greeting.yaml");
  writeFileSync(
    file,
    "formatVersion: 1\nid: greeting\nversion: 1\nsteps:\n  - id: hello\n    type: end\n    text: commands.welcome_back\n",
  );
  const { problems } = await checkFlows(dir, "locales");
  expect(problems).toEqual([
    `${file}: staff have no name for this flow: add "console.flow_greeting" in nl, fr, en`,
  ]);
});
