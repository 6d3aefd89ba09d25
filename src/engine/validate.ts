/**
 * The flow check beyond the schema: step ids are unique, every `next` exists, every step is
 * reachable, every path can end, conditions read only answers the flow saves or declared inputs,
 * and every message key exists in every language. Pure: the key check gets a lookup function.
 */
import { namesIn } from "./conditions.ts";
import type { Condition } from "./flow-schema.ts";
import type { FlowDefinition, Step } from "./types.ts";

const RESERVED_STEP_IDS = new Set(["nav", "rec"]);

/** One problem, named by step so a coordinator can find it. */
export interface FlowProblem {
  step?: string;
  message: string;
}

/** Every key a step shows (prompts, texts, labels, and the engine's own hints for its type). */
export function messageKeys(step: Step): string[] {
  const keys: string[] = [];
  if ("prompt" in step) keys.push(step.prompt);
  if ((step.type === "message" || step.type === "end") && step.text) keys.push(step.text);
  if (step.type === "choice" || step.type === "multi_choice") keys.push(...step.choices.map((c) => c.label));
  return keys;
}

/** Keys the engine itself emits, which every locale must have. */
export const ENGINE_KEYS = [
  "common.invalid_choice",
  "common.invalid_yes_no",
  "common.invalid_number",
  "common.invalid_date",
  "common.invalid_number_range",
  "common.invalid_date_future",
  "common.invalid_nothing_ticked",
  "common.invalid_text_too_long",
  "common.too_many_attempts",
  "common.yes",
  "common.no",
  "common.back",
  "common.restart",
  "common.restart_confirm",
  "common.restart_yes",
  "common.restart_no",
  "common.nav_counsellor",
  "common.skip",
  "common.done",
  "common.continue",
  "common.ask_counsellor",
  "calendar.date_example",
  "meta.native_name",
  "meta.emoji",
];

function successors(step: Step): string[] {
  const next: (string | undefined)[] = [step.next];
  if (step.type === "branch") next.push(...step.branches.map((b) => b.next), step.default);
  if (step.type === "choice") next.push(...step.choices.map((c) => c.next));
  if (step.type === "yes_no") next.push(step.yes_next, step.no_next);
  return next.filter((n): n is string => !!n);
}

/** Whether the run can leave `step` without going to a successor (end of flow). */
function canEnd(step: Step): boolean {
  if (step.type === "end") return true;
  if (step.when && !step.next) return true;
  if (step.type === "branch") return !step.default && !step.next;
  if (step.type === "choice") return !step.next && step.choices.some((c) => !c.next);
  if (step.type === "yes_no") return !step.next && (!step.yes_next || !step.no_next);
  return !step.next;
}

function conditionsOf(step: Step): Condition[] {
  const found: Condition[] = step.when ? [step.when] : [];
  if (step.type === "branch") found.push(...step.branches.map((b) => b.when));
  if (step.type === "choice" || step.type === "multi_choice") {
    for (const c of step.choices) if (c.when) found.push(c.when);
  }
  return found;
}

/** Structural problems of a schema-valid flow; `hasKey(key)` says whether a key exists in every locale. */
export function validateFlow(flow: FlowDefinition, hasKey?: (key: string) => boolean): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const byId = new Map<string, Step>();
  for (const step of flow.steps) {
    if (byId.has(step.id)) problems.push({ step: step.id, message: "this step id is used twice" });
    if (RESERVED_STEP_IDS.has(step.id)) problems.push({ step: step.id, message: "this step id is reserved" });
    byId.set(step.id, step);
  }
  if (flow.start && !byId.has(flow.start))
    problems.push({ message: `start names an unknown step "${flow.start}"` });
  for (const step of flow.steps) {
    for (const next of successors(step)) {
      if (!byId.has(next)) problems.push({ step: step.id, message: `goes to an unknown step "${next}"` });
    }
  }
  const reachable = reachableSteps(flow, byId);
  for (const step of flow.steps) {
    if (!reachable.has(step.id))
      problems.push({ step: step.id, message: "no path from the start reaches this step" });
  }
  const ends = stepsThatCanEnd(flow);
  for (const id of reachable) {
    if (!ends.has(id))
      problems.push({ step: id, message: "no path from this step ever ends the flow (a loop?)" });
  }
  problems.push(...unknownNames(flow));
  if (hasKey) {
    for (const step of flow.steps) {
      for (const key of messageKeys(step)) {
        if (!hasKey(key))
          problems.push({ step: step.id, message: `message key "${key}" is missing in some language` });
      }
    }
  }
  return problems;
}

/** The steps a path from the start reaches. */
function reachableSteps(flow: FlowDefinition, byId: ReadonlyMap<string, Step>): Set<string> {
  const start = flow.start ?? flow.steps[0]?.id;
  const reachable = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length) {
    const id = queue.pop() as string;
    if (reachable.has(id) || !byId.has(id)) continue;
    reachable.add(id);
    queue.push(...successors(byId.get(id) as Step));
  }
  return reachable;
}

/** The steps from which some path ends the flow (a backwards search from the steps that can end). */
function stepsThatCanEnd(flow: FlowDefinition): Set<string> {
  const ends = new Set(flow.steps.filter(canEnd).map((s) => s.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of flow.steps) {
      if (!ends.has(step.id) && successors(step).some((n) => ends.has(n))) {
        ends.add(step.id);
        grew = true;
      }
    }
  }
  return ends;
}

/** Conditions that read an answer no question saves, or a variable that is neither an input nor set. */
function unknownNames(flow: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const saved = new Set(flow.steps.flatMap((s) => ("prompt" in s ? [s.save ?? s.id] : [])));
  const vars = new Set([
    ...flow.inputs,
    ...flow.steps.flatMap((s) =>
      s.type === "action" ? s.actions.flatMap((a) => ("set" in a ? Object.keys(a.set) : [])) : [],
    ),
  ]);
  for (const step of flow.steps) {
    for (const condition of conditionsOf(step)) {
      const names = namesIn(condition);
      for (const a of names.answers) {
        if (!saved.has(a))
          problems.push({ step: step.id, message: `condition reads answer "${a}", which no question saves` });
      }
      for (const v of names.vars) {
        if (!vars.has(v))
          problems.push({
            step: step.id,
            message: `condition reads "${v}", which is neither an input nor set`,
          });
      }
    }
  }
  return problems;
}
