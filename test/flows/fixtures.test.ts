/**
 * Plays every conversation in test/flows/fixtures/*.yaml against the real flows and locales (no
 * database): one test per file, named by the file and its description. The format is in README.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import {
  type Fixture,
  FixtureError,
  type FixtureWorld,
  loadFixtureWorld,
  parseFixture,
  runFixture,
} from "./fixture-runner.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const fixturesDir = path.join(here, "fixtures");

let loading: Promise<FixtureWorld> | undefined;
/** The flows and translations, loaded once for the whole file. */
const world = (): Promise<FixtureWorld> => {
  loading ??= loadFixtureWorld(root);
  return loading;
};

const files = readdirSync(fixturesDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe("flow fixtures", () => {
  test("there are fixtures to play", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const shown = path.relative(root, path.join(fixturesDir, file));
    let fixture: Fixture;
    try {
      fixture = parseFixture(shown, readFileSync(path.join(fixturesDir, file), "utf8"));
    } catch (error) {
      test(`${file} (cannot be read)`, () => {
        throw error;
      });
      continue;
    }
    const name = `${file}: ${fixture.description}`;
    if (fixture.skip) {
      test.skip(`${name} [skipped: ${fixture.skip}]`, () => {});
      continue;
    }
    test(name, async () => {
      runFixture(shown, fixture, await world());
    });
  }
});

describe("the tap-only questionnaire (issue #16: a person who reads little never types)", () => {
  const file = "self-assessment-rom-eu-citizen-tapping.yaml";
  const fixture = parseFixture(file, readFileSync(path.join(fixturesDir, file), "utf8"));

  test("goes from the first message to the end of the questionnaire by taps only", () => {
    const typed = fixture.conversation.filter((turn) => turn.person !== undefined);
    expect(typed).toEqual([]);
    expect(fixture.conversation[0]?.bot?.[0]?.key).toBe("assessment.intro");
    expect(fixture.result.status).toBe("completed");
  });
});

describe("the fixture runner", () => {
  const header = `
description: A test of the runner.
flow: erase
language: en
now: 2026-11-23T10:00:00+01:00
`;

  test("a malformed fixture is reported by file and conversation step", () => {
    const text = `${header}
conversation:
  - bot: [ { key: commands.delete_confirm } ]
  - bot: [ { key: commands.delete_cancelled } ]
  - tap: confirm:keep
    bot: [ { keys: commands.delete_cancelled } ]
result: { status: completed }
`;
    const message = errorOf(() => parseFixture("bad.yaml", text));
    expect(message).toContain(
      "bad.yaml: conversation step 2 (line 9): say what the person does: exactly one of person:, tap: or tap_button:",
    );
    expect(message).toContain("bad.yaml: conversation step 3 (line 10), bot message 1:");
  });

  test("a reply that differs names the file, the step, and expected next to actual", async () => {
    const text = `${header}
conversation:
  - bot: [ { key: commands.delete_confirm } ]
  - tap_button: "No, keep it"
    bot: [ { text: "Nothing was deleted." } ]
result: { status: completed }
`;
    const env = await world();
    const buttons = errorOf(() => runFixture("wrong.yaml", parseFixture("wrong.yaml", text), env));
    expect(buttons).toMatch(
      /^wrong\.yaml, conversation step 2 \(line 9, the person taps "No, keep it"\): no button/,
    );

    const deleteNo = env.translator.t("commands.delete_no", "en");
    const cancelled = env.translator.t("commands.delete_cancelled", "en");
    const fixed = text.replace("No, keep it", deleteNo);
    const message = errorOf(() => runFixture("wrong.yaml", parseFixture("wrong.yaml", fixed), env));
    expect(message).toContain(
      `wrong.yaml, conversation step 2 (line 9, the person taps ${JSON.stringify(deleteNo)}):`,
    );
    expect(message).toContain('bot message 1: expected text "Nothing was deleted."');
    expect(message).toContain(`got ${JSON.stringify(cancelled)}`);
    expect(message).toContain("the bot said:\n    - key: commands.delete_cancelled");
  });

  test("the result is compared on the answers written, with yes/no and null read as a coordinator means them", async () => {
    const text = `${header}
conversation:
  - bot: [ { key: commands.delete_confirm } ]
  - tap: confirm:keep
    bot: [ { key: commands.delete_cancelled } ]
result:
  status: completed
  answers: { confirm: erase, something_else: null }
  effects: [ { type: erase_client } ]
`;
    const env = await world();
    const message = errorOf(() => runFixture("result.yaml", parseFixture("result.yaml", text), env));
    expect(message).toContain("result.yaml, result:");
    expect(message).toContain('answers.confirm: expected "erase", got "keep"');
    expect(message).not.toContain("something_else");
    expect(message).toContain('effects: expected [{"type":"erase_client"}]');
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FixtureError);
    return (error as Error).message;
  }
  throw new Error("expected a FixtureError");
}
