/**
 * The flow engine: a pure function from (flow, run state, input, context) to (new state,
 * outputs, effects). `startRun` begins a run and stops at the first question; `resumeRun` takes
 * the person's input for the waiting question; `repromptRun` shows the waiting question again
 * (after an interruption). Nothing here does I/O or reads a clock: the time is in the context.
 */
import { DateTime } from "luxon";
import { matchChoice, parseDate, parseNumber, parseText, parseYesNo } from "./answers.ts";
import {
  answerChoices,
  DONE,
  NAV_BACK,
  NAV_COUNSELLOR,
  NAV_RESTART,
  NAV_RESTART_YES,
  navigationChoices,
  RECOVER_CONTINUE,
  RECOVER_COUNSELLOR,
  recoveryChoices,
  restartConfirmChoices,
  SKIP,
  splitChoiceId,
} from "./choices.ts";
import { holds } from "./conditions.ts";
import type { ValueRef } from "./flow-schema.ts";
import type {
  Answer,
  Effect,
  EngineContext,
  FlowDefinition,
  FlowInput,
  Output,
  QuestionStep,
  RunState,
  Step,
  StepResult,
  VarValue,
} from "./types.ts";

/** Steps a single input may pass through before the engine assumes a loop in the flow. */
const MAX_STEPS_PER_INPUT = 200;

export class FlowLoopError extends Error {
  override name = "FlowLoopError";
}

/** Begins a run of `flow` with the runtime's facts in `vars`; stops at the first question. */
export function startRun(
  flow: FlowDefinition,
  vars: Record<string, VarValue>,
  ctx: EngineContext,
): StepResult {
  const state: RunState = {
    flowId: flow.id,
    flowVersion: flow.version,
    stepId: null,
    status: "active",
    answers: {},
    vars: { ...vars },
    attempts: 0,
    recovering: false,
    selection: [],
    history: [],
  };
  return advance(flow, state, flow.start ?? flow.steps[0]?.id, [], [], ctx);
}

/** Shows the waiting question again, unchanged (after an interruption, or "welcome back"). */
export function repromptRun(flow: FlowDefinition, state: RunState, ctx: EngineContext): StepResult {
  const step = waitingStep(flow, state);
  if (!step) return { state, outputs: [], effects: [] };
  return askAgain(flow, step, state, ctx);
}

/** Applies the person's input to the waiting question and runs on to the next question or the end. */
export function resumeRun(
  flow: FlowDefinition,
  current: RunState,
  input: FlowInput,
  ctx: EngineContext,
): StepResult {
  const step = waitingStep(flow, current);
  if (!step) return { state: current, outputs: [], effects: [] };
  const state = structuredClone(current);
  // "Start again?" is answered by its two buttons; anything else goes on as if it was not asked.
  delete state.confirming;

  if (input.kind === "choice" && input.choiceId.startsWith("nav:") && flow.settings.navigation) {
    return navigate(flow, state, step, input.choiceId, ctx);
  }
  if (
    state.recovering &&
    input.kind === "choice" &&
    (input.choiceId === RECOVER_CONTINUE || input.choiceId === RECOVER_COUNSELLOR)
  ) {
    return recover(flow, state, step, input.choiceId, ctx);
  }
  return applyReading(flow, state, step, read(step, state, input, ctx), ctx);
}

/** After too many attempts: go on with the question, or ask for a person. */
function recover(
  flow: FlowDefinition,
  state: RunState,
  step: QuestionStep,
  choiceId: string,
  ctx: EngineContext,
): StepResult {
  state.recovering = false;
  state.attempts = 0;
  // Asking for a person hands the conversation over: the runtime says what happens next,
  // and the question waits, unasked, until the conversation comes back to the bot.
  if (choiceId === RECOVER_COUNSELLOR) return handOver(state, `stuck:${flow.id}:${step.id}`);
  return askAgain(flow, step, state, ctx);
}

/** What a reading of the input does to the run: ask again, tick, hint, or answer and go on. */
function applyReading(
  flow: FlowDefinition,
  state: RunState,
  step: QuestionStep,
  reading: Reading,
  ctx: EngineContext,
): StepResult {
  switch (reading.kind) {
    case "stale":
      return askAgain(flow, step, state, ctx);
    case "toggle":
      state.selection = state.selection.includes(reading.choice)
        ? state.selection.filter((c) => c !== reading.choice)
        : [...state.selection, reading.choice];
      return { state, outputs: [{ ...prompt(flow, step, state, ctx), inPlace: true }], effects: [] };
    case "invalid":
      return rejectInput(flow, state, step, reading, ctx);
    case "answer": {
      state.answers[step.save ?? step.id] = reading.value;
      state.varsBefore = { ...state.varsBefore, [step.id]: { ...state.vars } };
      state.history.push(step.id);
      state.attempts = 0;
      state.recovering = false;
      state.selection = [];
      const effects: Effect[] = [];
      if (step.type === "language" && typeof reading.value === "string") {
        effects.push({ type: "set_locale", locale: reading.value });
      }
      return advance(flow, state, reading.next ?? step.next, [], effects, ctx);
    }
  }
}

/** An input the question cannot take: a hint and the question again, or recovery after too many. */
function rejectInput(
  flow: FlowDefinition,
  state: RunState,
  step: QuestionStep,
  reading: Extract<Reading, { kind: "invalid" }>,
  ctx: EngineContext,
): StepResult {
  state.attempts += 1;
  if (state.attempts >= flow.settings.max_attempts) {
    state.recovering = true;
    return {
      state,
      outputs: [{ key: "common.too_many_attempts", choices: recoveryChoices() }],
      effects: [],
    };
  }
  const hint: Output = {
    key: reading.hint,
    ...(reading.params ? { params: reading.params } : {}),
    // A date example in the person's own notation (locales/<lng>/calendar.json).
    ...(reading.example ? { lists: { example: [{ key: "calendar.date_example" }] } } : {}),
  };
  return { state, outputs: [hint, prompt(flow, step, state, ctx)], effects: [] };
}

type Reading =
  | { kind: "answer"; value: Answer; next?: string }
  | { kind: "toggle"; choice: string }
  | { kind: "invalid"; hint: string; params?: Record<string, string | number>; example?: boolean }
  | { kind: "stale" };

/** What an input means for a question. */
function read(step: QuestionStep, state: RunState, input: FlowInput, ctx: EngineContext): Reading {
  const offered = answerChoices(step, state, ctx);
  if (input.kind === "choice") {
    const parts = splitChoiceId(input.choiceId);
    if (!parts || parts.stepId !== step.id || !offered.some((c) => c.id === input.choiceId))
      return { kind: "stale" };
  }
  const hasButtons = ["language", "choice", "multi_choice", "yes_no"].includes(step.type);
  const matched =
    input.kind === "choice" || hasButtons ? matchChoice(input, offered, ctx.labelText) : undefined;
  const choice = matched ? splitChoiceId(matched)?.choice : undefined;
  if (choice === SKIP) return { kind: "answer", value: null };

  switch (step.type) {
    case "language":
      return choice ? { kind: "answer", value: choice } : { kind: "invalid", hint: "common.invalid_choice" };
    case "choice": {
      if (!choice) return { kind: "invalid", hint: "common.invalid_choice" };
      const next = step.choices.find((c) => c.id === choice)?.next;
      return { kind: "answer", value: choice, ...(next ? { next } : {}) };
    }
    case "multi_choice":
      return readMulti(step, state, input, choice, offered.length);
    case "yes_no": {
      const yes = choice
        ? choice === "yes"
        : input.kind === "text"
          ? parseYesNo(input.text)
          : { ok: false as const };
      const value = typeof yes === "boolean" ? yes : yes.ok ? yes.value : undefined;
      if (value === undefined) return { kind: "invalid", hint: "common.invalid_yes_no" };
      const next = value ? step.yes_next : step.no_next;
      return { kind: "answer", value, ...(next ? { next } : {}) };
    }
    case "number":
      return readNumber(step, input);
    case "date": {
      const today = DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).startOf("day");
      const parsed =
        input.kind === "text" ? parseDate(input.text, today, ctx.monthNames ?? []) : { ok: false as const };
      const inRange =
        parsed.ok &&
        (!step.min || parsed.value >= isoBound(step.min, today)) &&
        (!step.max || parsed.value <= isoBound(step.max, today));
      if (parsed.ok && inRange) return { kind: "answer", value: parsed.value };
      // A real date after the last one allowed (today): say so, not "type a date".
      const future = parsed.ok && step.max === "today" && parsed.value > isoBound("today", today);
      return future
        ? { kind: "invalid", hint: "common.invalid_date_future" }
        : { kind: "invalid", hint: "common.invalid_date", example: true };
    }
    case "text": {
      const parsed = input.kind === "text" ? parseText(input.text, step.max_length) : { ok: false as const };
      if (parsed.ok) return { kind: "answer", value: parsed.value };
      return "tooLong" in parsed
        ? { kind: "invalid", hint: "common.invalid_text_too_long", params: { max: step.max_length } }
        : { kind: "invalid", hint: "common.invalid_choice" };
    }
  }
}

function readMulti(
  step: Extract<QuestionStep, { type: "multi_choice" }>,
  state: RunState,
  input: FlowInput,
  choice: string | undefined,
  offeredCount: number,
): Reading {
  const min = step.min ?? 1;
  if (choice === DONE) {
    if (state.selection.length >= min) return { kind: "answer", value: [...state.selection] };
    return state.selection.length === 0
      ? { kind: "invalid", hint: "common.invalid_nothing_ticked" }
      : { kind: "invalid", hint: "common.invalid_choice" };
  }
  if (choice) return { kind: "toggle", choice };
  // Several numbers typed at once ("1 3 5", "1,3") select those choices and confirm.
  if (input.kind === "text") {
    const numbers = (input.text.match(/[0-9\u0660-\u0669\u06F0-\u06F9]+/g) ?? []).map((n) =>
      Number(
        n
          .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
          .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x6f0)),
      ),
    );
    const visible = step.choices.filter((c) => !c.when || holds(c.when, state));
    if (numbers.length > 1 && numbers.every((n) => n >= 1 && n <= Math.min(visible.length, offeredCount))) {
      const picked = [...new Set(numbers.map((n) => visible[n - 1]?.id).filter((id): id is string => !!id))];
      if (picked.length >= min) return { kind: "answer", value: picked };
    }
  }
  return { kind: "invalid", hint: "common.invalid_choice" };
}

/** A number in range; a number out of range gets its own hint ("from 0 to 50"). */
function readNumber(step: Extract<QuestionStep, { type: "number" }>, input: FlowInput): Reading {
  if (input.kind !== "text") return { kind: "invalid", hint: "common.invalid_number" };
  const range = { min: step.min, max: step.max };
  const parsed = parseNumber(input.text, step.min, step.max, step.integer);
  if (parsed.ok) return { kind: "answer", value: parsed.value };
  const anyNumber = parseNumber(input.text, -Infinity, Infinity, step.integer);
  return {
    kind: "invalid",
    hint: anyNumber.ok ? "common.invalid_number_range" : "common.invalid_number",
    params: range,
  };
}

function isoBound(bound: string, today: DateTime): string {
  return bound === "today" ? (today.toISODate() as string) : bound;
}

/** Back, start again, ask my counsellor. */
function navigate(
  flow: FlowDefinition,
  state: RunState,
  step: QuestionStep,
  choiceId: string,
  ctx: EngineContext,
): StepResult {
  state.attempts = 0;
  state.recovering = false;
  state.selection = [];
  if (choiceId === NAV_BACK && state.history.length > 0) {
    const previous = state.history.pop() as string;
    state.stepId = previous;
    const before = state.varsBefore?.[previous];
    if (before) state.vars = { ...before };
    const target = findStep(flow, previous) as QuestionStep;
    return { state, outputs: [prompt(flow, target, state, ctx)], effects: [] };
  }
  if (choiceId === NAV_RESTART) {
    state.confirming = "restart";
    return {
      state,
      outputs: [{ key: "common.restart_confirm", choices: restartConfirmChoices() }],
      effects: [],
    };
  }
  if (choiceId === NAV_RESTART_YES) {
    state.answers = {};
    state.history = [];
    // Back to the runtime's facts only: what actions set or computed is gone with the answers.
    state.vars = Object.fromEntries(
      Object.entries(state.vars).filter(([name]) => flow.inputs.includes(name)),
    );
    state.varsBefore = {};
    return advance(flow, state, flow.start ?? flow.steps[0]?.id, [], [], ctx);
  }
  if (choiceId === NAV_COUNSELLOR) {
    return handOver(state, `asked:${flow.id}:${step.id}`);
  }
  // NAV_RESTART_NO, "no, go on" (or a navigation button we do not know): the question again.
  return askAgain(flow, step, state, ctx);
}

/** A handover: the runtime tells the person what happens next; the question waits, unasked. */
function handOver(state: RunState, reason: string): StepResult {
  return { state, outputs: [], effects: [{ type: "notify_counsellor", reason }] };
}

/** The waiting question, asked again. */
function askAgain(flow: FlowDefinition, step: QuestionStep, state: RunState, ctx: EngineContext): StepResult {
  return { state, outputs: [prompt(flow, step, state, ctx)], effects: [] };
}

/** Runs from `stepId` through messages, actions and branches until a question or the end. */
function advance(
  flow: FlowDefinition,
  state: RunState,
  firstStepId: string | undefined,
  outputs: Output[],
  effects: Effect[],
  ctx: EngineContext,
): StepResult {
  let stepId = firstStepId;
  for (let i = 0; i < MAX_STEPS_PER_INPUT; i++) {
    const step = stepId ? findStep(flow, stepId) : undefined;
    if (!step) return complete(flow, state, outputs, effects);
    if (step.when && !holds(step.when, state)) {
      stepId = step.next;
      continue;
    }
    switch (step.type) {
      case "message":
        outputs.push(message(step.text, step.params, state));
        stepId = step.next;
        break;
      case "action":
        for (const action of step.actions) effects.push(...applyAction(action, state));
        stepId = step.next;
        break;
      case "branch":
        stepId = step.branches.find((b) => holds(b.when, state))?.next ?? step.default ?? step.next;
        break;
      case "end":
        if (step.text) outputs.push(message(step.text, step.params, state));
        return complete(flow, state, outputs, effects);
      default:
        state.stepId = step.id;
        state.attempts = 0;
        state.selection = [];
        outputs.push(prompt(flow, step, state, ctx));
        return { state, outputs, effects };
    }
  }
  throw new FlowLoopError(`flow ${flow.id} passed ${MAX_STEPS_PER_INPUT} steps without a question: a loop?`);
}

function complete(flow: FlowDefinition, state: RunState, outputs: Output[], effects: Effect[]): StepResult {
  state.status = "completed";
  state.stepId = null;
  effects.push({ type: "flow_completed", flowId: flow.id, answers: { ...state.answers } });
  return { state, outputs, effects };
}

function applyAction(action: ActionLike, state: RunState): Effect[] {
  if ("set_locale" in action) {
    const locale = resolve(action.set_locale, state);
    return typeof locale === "string" ? [{ type: "set_locale", locale }] : [];
  }
  if ("set_voice" in action) {
    const on = typeof action.set_voice === "boolean" ? action.set_voice : resolve(action.set_voice, state);
    return typeof on === "boolean" ? [{ type: "set_voice", on }] : [];
  }
  if ("record_consent" in action) return [{ type: "record_consent", decision: action.record_consent }];
  if ("link_case" in action) return [{ type: "link_case" }];
  if ("erase_client" in action) return [{ type: "erase_client" }];
  if ("notify_counsellor" in action) return [{ type: "notify_counsellor", reason: action.notify_counsellor }];
  if ("start_flow" in action) return [{ type: "start_flow", flowId: action.start_flow }];
  if ("compute_date" in action) {
    const { name, from, add_months } = action.compute_date;
    const base = resolve(from, state);
    const months = typeof add_months === "object" ? resolve(add_months, state) : (add_months ?? 0);
    const date = typeof base === "string" ? DateTime.fromISO(base, { zone: "utc" }) : undefined;
    state.vars[name] =
      date?.isValid && typeof months === "number" ? (date.plus({ months }).toISODate() as string) : null;
    return [];
  }
  for (const [name, value] of Object.entries(action.set)) {
    const resolved = value !== null && typeof value === "object" ? resolve(value, state) : value;
    state.vars[name] = Array.isArray(resolved) ? resolved.join(",") : (resolved ?? null);
  }
  return [];
}

type ActionLike = Extract<Step, { type: "action" }>["actions"][number];

function resolve(ref: ValueRef, state: RunState): Answer | VarValue | undefined {
  return "answer" in ref ? state.answers[ref.answer] : state.vars[ref.var];
}

function message(key: string, params: Record<string, unknown> | undefined, state: RunState): Output {
  if (!params) return { key };
  const resolved: Record<string, string | number> = {};
  const dateParams: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const ref = value !== null && typeof value === "object" ? (value as ValueRef) : undefined;
    const v = ref ? resolve(ref, state) : value;
    resolved[name] = typeof v === "number" ? v : Array.isArray(v) ? v.join(", ") : String(v ?? "");
    if (ref?.as === "date") dateParams.push(name);
  }
  return { key, params: resolved, ...(dateParams.length ? { dateParams } : {}) };
}

function prompt(flow: FlowDefinition, step: QuestionStep, state: RunState, ctx: EngineContext): Output {
  const choices = [
    ...answerChoices(step, state, ctx),
    ...(flow.settings.navigation ? navigationChoices(state) : []),
  ];
  return { ...message(step.prompt, step.params, state), ...(choices.length ? { choices } : {}) };
}

function waitingStep(flow: FlowDefinition, state: RunState): QuestionStep | undefined {
  if (state.status !== "active" || !state.stepId) return undefined;
  const step = findStep(flow, state.stepId);
  return step && "prompt" in step ? step : undefined;
}

/** The step with `id`, or undefined. */
export function findStep(flow: FlowDefinition, id: string): Step | undefined {
  return flow.steps.find((s) => s.id === id);
}
