/** The flow check: a coordinator's mistakes are named by file and step. */
import { describe, expect, test } from "vitest";
import { formatProblem, parseFlow } from "../../src/flows/flow-registry.ts";

const header = "formatVersion: 1\nid: demo\nversion: 1\nsteps:\n";
const check = (steps: string, hasKey?: (k: string) => boolean) =>
  parseFlow("flows/demo.yaml", header + steps, hasKey).problems.map(formatProblem);

describe("flow check", () => {
  test("a valid flow has no problems", () => {
    expect(check("  - { id: hello, type: message, text: t.hello }\n")).toEqual([]);
  });

  test("broken YAML names the file and line", () => {
    expect(check("  - { id: hello, type: message\n")[0]).toMatch(
      /^flows\/demo\.yaml: not valid YAML \(line \d+\)/,
    );
  });

  test("a schema error names the step and the field", () => {
    expect(
      check("  - { id: ask, type: choice, prompt: t.q, choices: [ { id: a, label: 'Not a key' } ] }\n"),
    ).toEqual(['flows/demo.yaml: step "ask": choices.0.label: a locale key such as onboarding.welcome']);
  });

  test("an unknown next step, an unreachable step and a loop are reported", () => {
    const problems = check(
      [
        "  - { id: a, type: message, text: t.a, next: b }",
        "  - { id: b, type: message, text: t.b, next: a }",
        "  - { id: c, type: message, text: t.c, next: nowhere }",
      ].join("\n"),
    );
    expect(problems).toContain('flows/demo.yaml: step "c": goes to an unknown step "nowhere"');
    expect(problems).toContain('flows/demo.yaml: step "c": no path from the start reaches this step');
    expect(problems).toContain(
      'flows/demo.yaml: step "a": no path from this step ever ends the flow (a loop?)',
    );
  });

  test("a condition naming an unknown answer or variable is reported", () => {
    const problems = check(
      "  - { id: a, type: message, text: t.a, when: { answer: age, gte: 18 }, next: b }\n  - { id: b, type: end, when: { var: mood, equals: ok } }\n",
    );
    expect(problems).toEqual([
      'flows/demo.yaml: step "a": condition reads answer "age", which no question saves',
      'flows/demo.yaml: step "b": condition reads "mood", which is neither an input nor set',
    ]);
  });

  test("a message key missing in some language is reported", () => {
    expect(check("  - { id: a, type: message, text: t.a }\n", (key) => key !== "t.a")).toEqual([
      'flows/demo.yaml: step "a": message key "t.a" is missing in some language',
    ]);
  });

  test("duplicate and reserved step ids are reported", () => {
    const problems = check(
      "  - { id: nav, type: message, text: t.a, next: a }\n  - { id: a, type: end }\n  - { id: a, type: end }\n",
    );
    expect(problems).toContain('flows/demo.yaml: step "nav": this step id is reserved');
    expect(problems).toContain('flows/demo.yaml: step "a": this step id is used twice');
  });
});
