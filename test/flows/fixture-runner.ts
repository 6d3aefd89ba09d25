/**
 * Flow fixtures: a conversation written down as a YAML file (what the person types or taps, what
 * the bot says back, how the run ends) and played against the real flows and locales, with no
 * database. The format is explained for programme coordinators in ./README.md; this file holds
 * its schema (zod) and the runner, which fails with the file, the conversation step, and what
 * was expected next to what the bot really said.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { resumeRun, startRun } from "../../src/engine/engine.ts";
import type { Effect, EngineContext, FlowInput, RunState, StepResult } from "../../src/engine/types.ts";
import { type FlowRegistry, loadFlows } from "../../src/flows/flow-registry.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { choiceLabel, type RenderedMessage, renderOutputs } from "../../src/i18n/render.ts";
import { CLIENT_LOCALES, type Translator } from "../../src/i18n/translator.ts";

/** `2026-11-23T10:00:00+01:00`: an instant, with the offset that makes it one. */
const isInstant = (s: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s));
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One message the bot should send: its locale key, its exact text in the language, or both. */
const botMessageSchema = z
  .object({
    key: z.string().optional(),
    text: z.string().optional(),
    buttons: z.array(z.string()).optional(),
  })
  .strict()
  .refine((m) => m.key !== undefined || m.text !== undefined, "give key: or text: (or both)");

/** An effect, compared on the fields written only (so `answers:` of flow_completed may be left out). */
const effectSchema = z.looseObject({ type: z.string() });

/** One entry of the conversation: what the person does (none for the first) and the bot's reply. */
const turnSchema = z
  .object({
    /** Typed text. Numbers are read as text: `person: 2` is the person typing "2". */
    person: z.union([z.string(), z.number()]).transform(String).optional(),
    /** A button by its id (`residence:applicant`, `nav:back`, `rec:continue`). */
    tap: z.string().optional(),
    /** A button by its label as shown, searched in the latest messages first. */
    tap_button: z.string().optional(),
    /** Leave out to not check the reply; `bot: []` means the bot says nothing. */
    bot: z.array(botMessageSchema).optional(),
    effects: z.array(effectSchema).optional(),
  })
  .strict();

export const fixtureSchema = z
  .object({
    description: z.string().min(1),
    flow: z.string().min(1),
    language: z.enum(CLIENT_LOCALES),
    now: z
      .union([z.string(), z.date().transform((d) => d.toISOString())])
      .refine(isInstant, "a date and time with its offset, like 2026-11-23T10:00:00+01:00"),
    vars: z.record(z.string(), scalar).default({}),
    skip: z.string().min(1).optional(),
    conversation: z.array(turnSchema).min(1),
    result: z
      .object({
        status: z.enum(["active", "completed"]),
        step: z.string().optional(),
        answers: z.record(z.string(), z.unknown()).optional(),
        vars: z.record(z.string(), z.unknown()).optional(),
        effects: z.array(effectSchema).optional(),
      })
      .strict()
      .refine((r) => r.status === "active" || r.step === undefined, "step: only goes with status: active"),
  })
  .strict()
  .superRefine((fixture, ctx) => {
    fixture.conversation.forEach((turn, index) => {
      const actions = [turn.person, turn.tap, turn.tap_button].filter((a) => a !== undefined).length;
      if (index === 0 && actions > 0)
        ctx.addIssue({
          code: "custom",
          path: ["conversation", 0],
          message: "the first step is the start: only bot:",
        });
      if (index > 0 && actions !== 1)
        ctx.addIssue({
          code: "custom",
          path: ["conversation", index],
          message: "say what the person does: exactly one of person:, tap: or tap_button:",
        });
    });
  });

/** A parsed fixture, with the line each conversation step starts on (for messages). */
export type Fixture = z.output<typeof fixtureSchema> & { stepLines: readonly number[] };
type Turn = Fixture["conversation"][number];
type BotMessage = z.output<typeof botMessageSchema>;

/** A fixture file that cannot be read, or a conversation that did not go as written. */
export class FixtureError extends Error {
  override name = "FixtureError";
}

/** Parses and validates one fixture file's text; throws FixtureError naming the file and step. */
export function parseFixture(file: string, text: string): Fixture {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const broken = doc.errors[0];
  if (broken) {
    const line = lineCounter.linePos(broken.pos[0]).line;
    throw new FixtureError(`${file}: not valid YAML (line ${line}): ${broken.message.split("\n")[0]}`);
  }
  const steps = doc.get("conversation");
  const stepLines = isSeq(steps)
    ? steps.items.map((item) => {
        const start = (item as { range?: [number, number, number] }).range?.[0];
        return start === undefined ? 0 : lineCounter.linePos(start).line;
      })
    : [];
  const parsed = fixtureSchema.safeParse(doc.toJS());
  if (parsed.success) return { ...parsed.data, stepLines };
  const lines = parsed.error.issues.map(
    (issue) => `${file}: ${where(issue.path, stepLines)}${issue.message}`,
  );
  throw new FixtureError(lines.join("\n"));
}

/** `conversation step 4 (line 31), bot message 2, text: ` from a zod path. */
function where(issuePath: readonly PropertyKey[], stepLines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < issuePath.length; i++) {
    const part = issuePath[i];
    const next = issuePath[i + 1];
    if (part === "conversation" && typeof next === "number") {
      parts.push(`conversation step ${next + 1}${stepLines[next] ? ` (line ${stepLines[next]})` : ""}`);
      i++;
    } else if ((part === "bot" || part === "effects") && typeof next === "number") {
      parts.push(`${part === "bot" ? "bot message" : "effect"} ${next + 1}`);
      i++;
    } else parts.push(String(part));
  }
  return parts.length ? `${parts.join(", ")}: ` : "";
}

/** The real flows and translations, loaded once for all fixtures. */
export interface FixtureWorld {
  flows: FlowRegistry;
  translator: Translator;
  /** Each client language's month names (locales/<lng>/calendar.json), so "3 februarie" reads. */
  monthNames: string[][];
}

/** Loads `flows/` and `locales/` under the repository root. */
export async function loadFixtureWorld(root: string): Promise<FixtureWorld> {
  const localesDir = path.join(root, "locales");
  const translator = await createTranslator({ localesDir });
  const flows = await loadFlows(path.join(root, "flows"), (key) => translator.has(key, "en"));
  const monthNames = CLIENT_LOCALES.map((locale) => {
    const calendar = JSON.parse(readFileSync(path.join(localesDir, locale, "calendar.json"), "utf8"));
    return calendar.months as string[];
  });
  return { flows, translator, monthNames };
}

/** Plays `fixture` and throws FixtureError at the first step or result that differs. */
export function runFixture(file: string, fixture: Fixture, world: FixtureWorld): void {
  if (!world.flows.has(fixture.flow))
    throw new FixtureError(
      `${file}: there is no flow "${fixture.flow}" (known: ${world.flows.ids.join(", ")})`,
    );
  const flow = world.flows.latest(fixture.flow);
  let locale: string = fixture.language;
  const ctx: EngineContext = {
    now: new Date(fixture.now),
    timeZone: "Europe/Brussels",
    locales: CLIENT_LOCALES,
    // As the app does: a typed label is read in the conversation's language at that moment.
    labelText: (choice) => choiceLabel(choice, locale, world.translator),
    monthNames: world.monthNames,
  };
  const shown: RenderedMessage[] = [];
  const seen: Effect[] = [];
  let result: StepResult | undefined;
  for (const [index, turn] of fixture.conversation.entries()) {
    const line = fixture.stepLines[index] ? `line ${fixture.stepLines[index]}, ` : "";
    const step = `${file}, conversation step ${index + 1} (${line}${doing(turn)})`;
    if (result?.state.status === "completed")
      throw new FixtureError(`${step}: the flow had already ended at the step before`);
    try {
      result = result
        ? resumeRun(flow, result.state, input(turn, shown), ctx)
        : startRun(flow, fixture.vars, ctx);
    } catch (error) {
      throw new FixtureError(`${step}: ${(error as Error).message}`);
    }
    // As the app does: effects are applied first, so a new language shows in this very reply.
    for (const effect of result.effects) if (effect.type === "set_locale") locale = effect.locale;
    const rendered = renderOutputs(result.outputs, locale, world.translator);
    shown.push(...rendered);
    seen.push(...result.effects);
    const problems = [
      ...(turn.bot ? compareBot(turn.bot, rendered) : []),
      ...(turn.effects ? compareEffects(turn.effects, result.effects) : []),
    ];
    if (problems.length) throw new FixtureError(`${step}:\n${problems.join("\n")}${said(rendered)}`);
  }
  if (result) checkResult(file, fixture.result, result.state, seen);
}

/** The run's end state against `result:`; only the answers and variables written are compared. */
function checkResult(file: string, expected: Fixture["result"], state: RunState, seen: Effect[]): void {
  const problems: string[] = [];
  if (state.status !== expected.status)
    problems.push(`  status: expected ${expected.status}, got ${state.status}`);
  if (expected.step !== undefined && state.stepId !== expected.step)
    problems.push(`  step: expected ${expected.step}, got ${state.stepId ?? "none (ended)"}`);
  for (const [kind, values, actual] of [
    ["answers", expected.answers, state.answers],
    ["vars", expected.vars, state.vars],
  ] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      if (!sameValue(value, actual[name]))
        problems.push(`  ${kind}.${name}: expected ${show(value)}, got ${show(actual[name])}`);
    }
  }
  if (expected.effects) problems.push(...compareEffects(expected.effects, seen));
  if (!problems.length) return;
  const all = `\n  (all answers: ${show(state.answers)}; vars: ${show(state.vars)})`;
  throw new FixtureError(`${file}, result:\n${problems.join("\n")}${all}`);
}

function doing(turn: Turn): string {
  if (turn.person !== undefined) return `the person types ${show(turn.person)}`;
  if (turn.tap !== undefined) return `the person taps ${turn.tap}`;
  if (turn.tap_button !== undefined) return `the person taps ${show(turn.tap_button)}`;
  return "start";
}

/** The engine input for a turn; a label is looked up among the buttons shown so far, latest first. */
function input(turn: Turn, shown: readonly RenderedMessage[]): FlowInput {
  if (turn.person !== undefined) return { kind: "text", text: turn.person };
  if (turn.tap !== undefined) return { kind: "choice", choiceId: turn.tap };
  const wanted = plain(turn.tap_button ?? "");
  const buttons = shown.flatMap((m) => m.message.choices ?? []).reverse();
  const found =
    buttons.find((b) => plain(b.label) === wanted) ??
    buttons.find((b) => unmarked(plain(b.label)) === unmarked(wanted));
  if (found) return { kind: "choice", choiceId: found.id };
  const last = [...shown].reverse().find((m) => m.message.choices?.length)?.message.choices ?? [];
  throw new FixtureError(
    `no button ${show(wanted)} was shown; the latest buttons were: ${last.map((b) => show(plain(b.label))).join(", ")}`,
  );
}

/** Text as compared: without invisible direction marks (Arabic), without spaces at either end. */
function plain(text: string): string {
  return text.replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, "").trim();
}

/** A multi-choice label without its ✅ / ⬜ mark. */
function unmarked(label: string): string {
  return label.replace(/^(✅|⬜|☑️|▫️)\s*/u, "");
}

function compareBot(expected: readonly BotMessage[], actual: readonly RenderedMessage[]): string[] {
  if (expected.length !== actual.length)
    return [
      `  expected ${expected.length} bot message(s), the bot sent ${actual.length}:${listExpected(expected)}`,
    ];
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i] as RenderedMessage;
    const at = `  bot message ${i + 1}`;
    if (want.key !== undefined && want.key !== got.key)
      problems.push(`${at}: expected key ${want.key}, got ${got.key}`);
    if (want.text !== undefined && plain(want.text) !== plain(got.message.text))
      problems.push(
        `${at}: expected text ${show(plain(want.text))}\n${" ".repeat(at.length)}       got ${show(plain(got.message.text))}`,
      );
    const labels = (got.message.choices ?? []).map((c) => plain(c.label));
    if (want.buttons !== undefined && show(want.buttons.map(plain)) !== show(labels))
      problems.push(
        `${at}: expected buttons ${show(want.buttons.map(plain))}\n${" ".repeat(at.length)}       got buttons ${show(labels)}`,
      );
  });
  return problems;
}

function listExpected(expected: readonly BotMessage[]): string {
  const lines = expected.map(
    (m, i) => `    ${i + 1}. ${m.key ?? ""}${m.text !== undefined ? ` ${show(plain(m.text))}` : ""}`,
  );
  return `\n  expected:\n${lines.join("\n")}`;
}

/** What the bot really said, written as a fixture's `bot:` list (so it can be copied once checked). */
function said(rendered: readonly RenderedMessage[]): string {
  if (!rendered.length) return "\n  the bot said nothing (bot: [])";
  const lines = rendered.flatMap((m) => [
    `    - key: ${m.key}`,
    `      text: ${show(plain(m.message.text))}`,
    ...(m.message.choices?.length
      ? [`      buttons: ${show(m.message.choices.map((c) => plain(c.label)))}`]
      : []),
  ]);
  return `\n  the bot said:\n${lines.join("\n")}`;
}

/** Effects in order; flow_completed may be left out of the expected list. */
function compareEffects(expected: readonly Record<string, unknown>[], actual: readonly Effect[]): string[] {
  const listsCompletion = expected.some((e) => e.type === "flow_completed");
  const got = actual.filter((e) => listsCompletion || e.type !== "flow_completed");
  const same = expected.length === got.length && expected.every((e, i) => matches(e, got[i]));
  return same ? [] : [`  effects: expected ${show(expected)}\n           got ${show(got)}`];
}

/** Whether `actual` has every field of `expected` (objects compared on the fields written). */
function matches(expected: unknown, actual: unknown): boolean {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object") return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => matches(v, record[k]));
  }
  return sameValue(expected, actual);
}

/**
 * Equality as a coordinator writes it: `null` also means "not there", `yes`/`no` mean true/false,
 * a number may be written as text; lists compare in order.
 */
function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof actual === "boolean" && (expected === "yes" || expected === "no"))
    return actual === (expected === "yes");
  if (typeof actual === "number" && typeof expected === "string") return expected.trim() === String(actual);
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matches(e, actual[i]))
    );
  return expected === actual;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? "nothing";
}
