/**
 * Loading and saving a conversation's flow runs. A run whose flow version is gone continues on
 * the current version when its waiting step still exists; otherwise it is abandoned (and logged).
 */
import type { RunState } from "../engine/types.ts";
import type { Db } from "../store/prisma.ts";
import type { ConversationDeps } from "./conversation-service.ts";
import type { StackRun } from "./flow-stack.ts";
import type { FlowRunRow } from "./turn-sql.ts";

/**
 * The active runs (`rows`, most recent first, as turn-sql.ts reads them) on their flows; a run
 * whose flow version is gone continues on the current one if it can, else it is abandoned.
 */
export async function runsOnFlows(
  deps: ConversationDeps,
  conversationId: string,
  rows: readonly FlowRunRow[],
): Promise<StackRun[]> {
  const runs: StackRun[] = [];
  for (const row of rows) {
    const state = row.state as unknown as RunState;
    let flow = deps.flows.version(row.flowId, row.flowVersion);
    let changed = false;
    if (!flow && deps.flows.has(row.flowId)) {
      const latest = deps.flows.latest(row.flowId);
      if (latest.steps.some((s) => s.id === row.stepId && "prompt" in s)) {
        flow = latest;
        state.flowVersion = latest.version;
        changed = true;
      }
    }
    if (!flow) {
      deps.logger.warn(
        { conversationId, flowRunId: row.id, flow: row.flowId, version: row.flowVersion },
        "run abandoned: flow version gone",
      );
      await deps.db.flowRun.update({ where: { id: row.id }, data: { status: "abandoned" } });
      continue;
    }
    runs.push({ id: row.id, flow, state, changed });
  }
  return runs;
}

export async function saveRuns(
  tx: Parameters<Parameters<Db["$transaction"]>[0]>[0],
  conversationId: string,
  touched: readonly StackRun[],
  abandoned: readonly StackRun[],
): Promise<void> {
  for (const run of abandoned) {
    if (run.id) await tx.flowRun.update({ where: { id: run.id }, data: { status: "abandoned" } });
  }
  for (const run of touched) {
    const data = {
      flowVersion: run.state.flowVersion,
      stepId: run.state.stepId,
      status: run.state.status,
      state: run.state as object,
      ...(run.state.status === "completed" ? { completedAt: new Date() } : {}),
    };
    if (run.id) await tx.flowRun.update({ where: { id: run.id }, data });
    else run.id = (await tx.flowRun.create({ data: { ...data, conversationId, flowId: run.flow.id } })).id;
  }
}
