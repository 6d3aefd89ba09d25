/**
 * The flow engine's types. The engine is a pure function of (flow definition, run state, input,
 * context with the time) → (new state, outputs, effects): it never reads a database, a clock or
 * the network. The caller (src/conversation/) persists the state, renders the outputs in the
 * person's language, and applies the effects.
 */
import type { z } from "zod";
import type { flowSchema, stepSchema } from "./flow-schema.ts";

/** A validated flow (see flow-schema.ts for the file format). */
export type FlowDefinition = z.output<typeof flowSchema>;
export type Step = z.output<typeof stepSchema>;
export type StepType = Step["type"];
export type QuestionStep = Extract<Step, { prompt: string }>;

/** An answer, stored as a code (never in the client's language): a choice id, a number, an ISO date, text. */
export type Answer = string | number | boolean | string[] | null;
export type VarValue = string | number | boolean | null;

/**
 * A run's state, saved after every input as JSON. It remembers the flow version it started on,
 * so a new version of the flow never breaks a run in progress.
 */
export interface RunState {
  flowId: string;
  flowVersion: number;
  /** The question waiting for an answer; null once the run has ended. */
  stepId: string | null;
  status: "active" | "completed";
  answers: Record<string, Answer>;
  /** Facts the runtime passed in (invite status, counsellor name) and values set by actions. */
  vars: Record<string, VarValue>;
  /** Wrong answers to the current question so far. */
  attempts: number;
  /** True while the person is offered "go on / ask my counsellor" after too many wrong answers. */
  recovering: boolean;
  /** Toggled choices of a multi-choice question not yet confirmed with "done". */
  selection: string[];
  /** Question steps answered, most recent last: what "back" returns to. */
  history: string[];
  /** The variables as they were when each question in `history` was asked, so "back" also undoes what actions computed after it. */
  varsBefore?: Record<string, Record<string, VarValue>>;
  /** Set while the person is asked whether to start again (nothing is wiped before they confirm). */
  confirming?: "restart";
}

/** What the person did. Choice ids are the ones the engine put in its outputs. */
export type FlowInput = { kind: "text"; text: string } | { kind: "choice"; choiceId: string };

/** A button the engine offers. `label` is a locale key, rendered in `labelLocale` if set (language names). */
export interface OutputChoice {
  id: string;
  label: string;
  labelLocale?: string;
  /** Parameters of the label (a time on a slot's button). */
  labelParams?: Record<string, string>;
  /** Names of labelParams that hold a time of day (HH:MM), written the way the person's language writes one. */
  labelTimeParams?: string[];
  emoji?: string;
  /** Also a locale key, rendered before the label (language emoji). */
  emojiKey?: string;
  /** Multi-choice: currently toggled on. */
  selected?: boolean;
  /** A link button (a map): opens this address instead of sending the id back. Ours only (https). */
  url?: string;
  /** Navigation (back, start again, my counsellor): shown apart from the answers, after them. */
  nav?: boolean;
}

/** A message to show, as a locale key and its parameters; the runtime renders it. */
export interface Output {
  key: string;
  params?: Record<string, string | number>;
  /** Names of params that hold ISO dates (yyyy-mm-dd), to be formatted for the person. */
  dateParams?: string[];
  /** Params that hold instants (ISO-8601), shown as date and time in the given IANA zone. */
  dateTimeParams?: Record<string, string>;
  /** Params that are lists of other messages, each rendered in the person's language, then joined. */
  lists?: Record<string, Output[]>;
  /**
   * Words a person wrote per language ({ ro: "…" }), given to the key as `note`. Rendered only in
   * a language that has them: in any other the output renders as nothing (no empty line).
   */
  written?: Record<string, string>;
  choices?: OutputChoice[];
  /**
   * The waiting question again after a tick in a multi-choice question: the runtime updates the
   * question the person tapped in place (its buttons) instead of sending it again.
   */
  inPlace?: boolean;
}

/** Something the runtime must do in the world, in the order given. */
export type Effect =
  | { type: "set_locale"; locale: string }
  | { type: "set_voice"; on: boolean }
  | { type: "record_consent"; decision: "accepted" | "declined" }
  | { type: "link_case" }
  | { type: "erase_client" }
  | { type: "notify_counsellor"; reason: string }
  | { type: "start_flow"; flowId: string }
  | { type: "flow_completed"; flowId: string; answers: Record<string, Answer> };

export interface StepResult {
  state: RunState;
  outputs: Output[];
  effects: Effect[];
}

/** What the engine is told about the world: the time and how labels read in the person's language. */
export interface EngineContext {
  now: Date;
  /** IANA time zone for "today" in date questions. */
  timeZone: string;
  /** The languages the language question offers, in order. */
  locales: readonly string[];
  /** Renders a choice label as the person sees it, so a typed label matches too. Optional. */
  labelText?: (choice: OutputChoice) => string;
  /** Month names in every language (locales/<lng>/calendar.json), so "3 februarie" reads as a date. */
  monthNames?: readonly (readonly string[])[];
}
