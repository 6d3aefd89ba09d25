/**
 * A conversation's active flow runs, most recent on top. A command such as /language starts a
 * run on top of the one in progress; when the top run ends, the run below shows its waiting
 * question again. Pure: it calls the engine and records what changed, the caller saves it.
 */
import { repromptRun, resumeRun, startRun } from "../engine/engine.ts";
import type {
  Effect,
  EngineContext,
  FlowDefinition,
  FlowInput,
  Output,
  RunState,
  VarValue,
} from "../engine/types.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";

export interface StackRun {
  /** FlowRun row id; undefined for a run started in this turn. */
  id?: string;
  flow: FlowDefinition;
  state: RunState;
  changed: boolean;
  /** Started in this turn (it keeps this once saved, when it has an id). */
  started?: true;
}

/** An effect with the variables of the run that produced it. */
export interface RunEffect {
  effect: Effect;
  vars: Record<string, VarValue>;
}

export class FlowStack {
  readonly outputs: Output[] = [];
  readonly effects: RunEffect[] = [];
  /** Every run touched this turn (finished ones included), for saving. */
  readonly touched: StackRun[] = [];
  private readonly runs: StackRun[];

  private readonly flows: FlowRegistry;
  private readonly ctx: EngineContext;
  private readonly startVars: Record<string, Record<string, VarValue>>;

  /** `runs` are the active runs, most recent first. */
  /** `startVars` are the runtime's facts for flows a run may start (`start_flow`). */
  constructor(
    runs: StackRun[],
    flows: FlowRegistry,
    ctx: EngineContext,
    startVars: Record<string, Record<string, VarValue>> = {},
  ) {
    this.runs = [...runs];
    this.flows = flows;
    this.ctx = ctx;
    this.startVars = startVars;
  }

  get top(): StackRun | undefined {
    return this.runs[0];
  }

  /** Starts `flowId` on top of the stack (with the runtime's facts for it, unless given). */
  start(flowId: string, vars: Record<string, VarValue> = this.startVars[flowId] ?? {}): void {
    const flow = this.flows.latest(flowId);
    const result = startRun(flow, vars, this.ctx);
    const run: StackRun = { flow, state: result.state, changed: true, started: true };
    this.runs.unshift(run);
    this.touched.push(run);
    this.take(run, result.outputs, result.effects);
  }

  /** Gives the person's input to the top run. Returns false when no run is waiting. */
  input(input: FlowInput): boolean {
    const run = this.top;
    if (!run) return false;
    const result = resumeRun(run.flow, run.state, input, this.ctx);
    run.state = result.state;
    this.mark(run);
    this.take(run, result.outputs, result.effects);
    return true;
  }

  /** Shows the top run's waiting question again. */
  reprompt(): void {
    const run = this.top;
    if (run) this.outputs.push(...repromptRun(run.flow, run.state, this.ctx).outputs);
  }

  /** Ends every run without finishing it (a new onboarding, an erasure). */
  abandonAll(): StackRun[] {
    const abandoned = this.runs.splice(0);
    return abandoned;
  }

  private mark(run: StackRun): void {
    run.changed = true;
    if (!this.touched.includes(run)) this.touched.push(run);
  }

  private take(run: StackRun, outputs: Output[], effects: Effect[]): void {
    this.outputs.push(...outputs);
    this.effects.push(...effects.map((effect) => ({ effect, vars: run.state.vars })));
    if (run.state.status !== "completed") return;
    this.runs.splice(this.runs.indexOf(run), 1);
    const next = effects.find((e): e is Extract<Effect, { type: "start_flow" }> => e.type === "start_flow");
    if (next && this.flows.has(next.flowId)) this.start(next.flowId, this.startVars[next.flowId] ?? {});
    else this.reprompt();
  }
}
