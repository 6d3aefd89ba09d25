/**
 * The engine's behaviour on a small flow that uses every step type: no database, fixed clock.
 */
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { resumeRun, startRun } from "../../src/engine/engine.ts";
import { flowSchema } from "../../src/engine/flow-schema.ts";
import type { EngineContext, FlowInput, RunState, StepResult } from "../../src/engine/types.ts";

const flow = flowSchema.parse(
  parse(`
formatVersion: 1
id: sample
version: 1
inputs: [programme]
settings: { navigation: true, max_attempts: 3 }
steps:
  - { id: status, type: choice, prompt: t.status, choices: [ { id: eu, label: t.eu }, { id: applicant, label: t.applicant } ], next: lodged }
  - { id: lodged, type: date, prompt: t.lodged, when: { answer: status, equals: applicant }, max: today, next: age }
  - { id: age, type: number, prompt: t.age, min: 16, max: 70, next: sectors }
  - { id: sectors, type: multi_choice, prompt: t.sectors, choices: [ { id: cleaning, label: t.cleaning }, { id: kitchen, label: t.kitchen }, { id: logistics, label: t.logistics } ], next: licence }
  - { id: licence, type: yes_no, prompt: t.licence, yes_next: notes, no_next: notes }
  - { id: notes, type: text, prompt: t.notes, max_length: 20, optional: true, next: route }
  - id: route
    type: branch
    branches:
      - { when: { all: [ { answer: status, equals: applicant }, { var: programme, equals: r2w } ] }, next: applicant_end }
    default: bye
  - { id: applicant_end, type: end, text: t.applicant_end }
  - { id: bye, type: end, text: t.bye, params: { age: { answer: age } } }
`),
);

const ctx: EngineContext = {
  now: new Date("2026-11-23T10:00:00Z"),
  timeZone: "Europe/Brussels",
  locales: ["en"],
};
const text = (t: string): FlowInput => ({ kind: "text", text: t });
const tap = (id: string): FlowInput => ({ kind: "choice", choiceId: id });

function play(inputs: FlowInput[], vars = { programme: "r2w" }): StepResult {
  let result = startRun(flow, vars, ctx);
  for (const input of inputs) result = resumeRun(flow, result.state, input, ctx);
  return result;
}
const keys = (r: StepResult) => r.outputs.map((o) => o.key);

describe("a complete run", () => {
  test("answers are stored as codes and the branch uses the runtime's vars", () => {
    const r = play([
      tap("status:applicant"),
      text("3/2/2025"),
      text("34"),
      text("1 3"),
      tap("licence:no"),
      text("ok"),
    ]);
    expect(r.state.status).toBe("completed");
    expect(r.state.answers).toEqual({
      status: "applicant",
      lodged: "2025-02-03",
      age: 34,
      sectors: ["cleaning", "logistics"],
      licence: false,
      notes: "ok",
    });
    expect(keys(r)).toEqual(["t.applicant_end"]);
    expect(r.effects.at(-1)).toMatchObject({ type: "flow_completed", flowId: "sample" });
  });

  test("a step whose condition fails is skipped; params read answers", () => {
    const r = play([
      tap("status:eu"),
      text("40"),
      tap("sectors:kitchen"),
      tap("sectors:_done"),
      text("yes"),
      tap("notes:_skip"),
    ]);
    expect(r.state.answers.lodged).toBeUndefined();
    expect(r.state.answers.notes).toBeNull();
    expect(r.outputs).toEqual([{ key: "t.bye", params: { age: 40 } }]);
  });
});

describe("wrong answers", () => {
  test("are asked again with a hint, then the person is offered to go on or ask their counsellor", () => {
    let r = play([tap("status:eu")]);
    r = resumeRun(flow, r.state, text("old"), ctx);
    expect(keys(r)).toEqual(["common.invalid_number", "t.age"]);
    expect(r.outputs[0]?.params).toEqual({ min: 16, max: 70 });
    r = resumeRun(flow, r.state, text("200"), ctx);
    // A number, but out of range: its own hint, with the range.
    expect(keys(r)).toEqual(["common.invalid_number_range", "t.age"]);
    expect(r.outputs[0]?.params).toEqual({ min: 16, max: 70 });
    r = resumeRun(flow, r.state, text("?"), ctx);
    expect(keys(r)).toEqual(["common.too_many_attempts"]);
    expect(r.outputs[0]?.choices?.map((c) => c.id)).toEqual(["rec:continue", "rec:counsellor"]);
    r = resumeRun(flow, r.state, tap("rec:counsellor"), ctx);
    expect(r.effects).toEqual([{ type: "notify_counsellor", reason: "stuck:sample:age" }]);
    expect(keys(r)).toEqual([]);
    r = resumeRun(flow, r.state, text("30"), ctx);
    expect(r.state.answers.age).toBe(30);
  });

  test("a date in the future is refused when the question says max: today", () => {
    const r = play([tap("status:applicant"), text("1/1/2027")]);
    expect(keys(r)).toEqual(["common.invalid_date_future", "t.lodged"]);
    // Not a date at all: the general hint with an example.
    const nonsense = play([tap("status:applicant"), text("31/2/2025")]);
    expect(keys(nonsense)).toEqual(["common.invalid_date", "t.lodged"]);
  });

  test("a button from an older message is stale: the question is shown again, not counted", () => {
    const r = play([tap("status:eu"), tap("status:applicant")]);
    expect(keys(r)).toEqual(["t.age"]);
    expect(r.state.attempts).toBe(0);
    expect(r.state.answers.status).toBe("eu");
  });
});

describe("navigation", () => {
  test("back returns to the previous question and keeps the flow going", () => {
    let r = play([tap("status:eu"), text("40")]);
    expect(r.state.stepId).toBe("sectors");
    r = resumeRun(flow, r.state, tap("nav:back"), ctx);
    expect(r.state.stepId).toBe("age");
    r = resumeRun(flow, r.state, text("41"), ctx);
    expect(r.state.answers.age).toBe(41);
    expect(r.state.stepId).toBe("sectors");
  });

  test("restart asks first; yes forgets the answers and starts over", () => {
    const asked = play([tap("status:eu"), text("40"), tap("nav:restart")]);
    expect(keys(asked)).toEqual(["common.restart_confirm"]);
    expect(asked.outputs[0]?.choices?.map((c) => c.id)).toEqual(["nav:restart_yes", "nav:restart_no"]);
    expect(asked.state.answers).toEqual({ status: "eu", age: 40 });
    expect(asked.state.confirming).toBe("restart");
    const r = resumeRun(flow, asked.state, tap("nav:restart_yes"), ctx);
    expect(r.state.answers).toEqual({});
    expect(r.state.stepId).toBe("status");
    expect(r.state.confirming).toBeUndefined();
  });

  test("restart, then no: nothing is wiped and the question comes again", () => {
    const r = play([tap("status:eu"), text("40"), tap("nav:restart"), tap("nav:restart_no")]);
    expect(keys(r)).toEqual(["t.sectors"]);
    expect(r.state.answers).toEqual({ status: "eu", age: 40 });
    expect(r.state.confirming).toBeUndefined();
  });

  test("navigation buttons are marked as such, after the answers", () => {
    const r = play([tap("status:eu"), text("40")]);
    const choices = r.outputs[0]?.choices ?? [];
    const firstNav = choices.findIndex((c) => c.nav);
    expect(firstNav).toBeGreaterThan(0);
    expect(choices.slice(0, firstNav).some((c) => c.nav || c.id.startsWith("nav:"))).toBe(false);
    expect(choices.slice(firstNav).map((c) => c.id)).toEqual(["nav:back", "nav:restart", "nav:counsellor"]);
  });

  test("ask my counsellor notifies and keeps the question open", () => {
    const r = play([tap("status:eu"), tap("nav:counsellor")]);
    expect(r.effects).toEqual([{ type: "notify_counsellor", reason: "asked:sample:age" }]);
    expect(r.state.stepId).toBe("age");
  });

  test("the first question offers no back button; later ones do", () => {
    const first = startRun(flow, {}, ctx);
    expect(first.outputs[0]?.choices?.some((c) => c.id === "nav:back")).toBe(false);
    const second = play([tap("status:eu")]);
    expect(second.outputs[0]?.choices?.map((c) => c.id)).toEqual([
      "nav:back",
      "nav:restart",
      "nav:counsellor",
    ]);
  });
});

describe("multi-choice", () => {
  test("toggles show the selection; done needs at least one", () => {
    let r = play([tap("status:eu"), text("40")]);
    r = resumeRun(flow, r.state, tap("sectors:_done"), ctx);
    expect(keys(r)).toEqual(["common.invalid_nothing_ticked", "t.sectors"]);
    expect(r.outputs[1]?.inPlace).toBeUndefined();
    r = resumeRun(flow, r.state, tap("sectors:kitchen"), ctx);
    const kitchen = r.outputs[0]?.choices?.find((c) => c.id === "sectors:kitchen");
    expect(kitchen?.selected).toBe(true);
    // A tick updates the question in place rather than sending it again.
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]?.inPlace).toBe(true);
    r = resumeRun(flow, r.state, tap("sectors:kitchen"), ctx);
    expect(r.state.selection).toEqual([]);
  });
});

test("the engine never changes the state it was given", () => {
  const before = play([tap("status:eu")]).state;
  const copy: RunState = structuredClone(before);
  resumeRun(flow, before, text("40"), ctx);
  expect(before).toEqual(copy);
});
