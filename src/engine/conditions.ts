/**
 * Evaluating a step's `when:` condition against a run's answers and variables. Pure.
 */
import type { Condition } from "./flow-schema.ts";
import type { Answer, RunState, VarValue } from "./types.ts";

type Value = Answer | VarValue | undefined;

/** Whether `condition` holds for `state`. Unknown names read as "not answered". */
export function holds(condition: Condition, state: Pick<RunState, "answers" | "vars">): boolean {
  if ("all" in condition) return condition.all.every((c) => holds(c, state));
  if ("any" in condition) return condition.any.some((c) => holds(c, state));
  if ("not" in condition) return !holds(condition.not, state);
  const value: Value = "answer" in condition ? state.answers[condition.answer] : state.vars[condition.var];
  return compare(value, condition);
}

function compare(
  value: Value,
  c: Exclude<Condition, { all: unknown } | { any: unknown } | { not: unknown }>,
): boolean {
  const answered = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  if (c.answered !== undefined && c.answered !== answered) return false;
  if (c.equals !== undefined && value !== c.equals) return false;
  if (c.not_equals !== undefined && value === c.not_equals) return false;
  if (c.in !== undefined && !c.in.some((v) => v === value)) return false;
  if (c.includes !== undefined && !(Array.isArray(value) && value.includes(String(c.includes)))) return false;
  if (c.gte !== undefined && !(typeof value === "number" && value >= c.gte)) return false;
  if (c.lte !== undefined && !(typeof value === "number" && value <= c.lte)) return false;
  if (c.before !== undefined && !(typeof value === "string" && value < c.before)) return false;
  if (c.on_or_after !== undefined && !(typeof value === "string" && value >= c.on_or_after)) return false;
  return true;
}

/** Every answer and variable name a condition reads (for the flow check). */
export function namesIn(condition: Condition): { answers: string[]; vars: string[] } {
  if ("all" in condition || "any" in condition) {
    const parts = ("all" in condition ? condition.all : condition.any).map(namesIn);
    return { answers: parts.flatMap((p) => p.answers), vars: parts.flatMap((p) => p.vars) };
  }
  if ("not" in condition) return namesIn(condition.not);
  return "answer" in condition
    ? { answers: [condition.answer], vars: [] }
    : { answers: [], vars: [condition.var] };
}
