/**
 * Loading flows: every `flows/*.yaml` (the current versions) and `flows/archive/*.yaml` (older
 * versions that runs in progress may still be on), each parsed, validated with the zod schema
 * and checked as a graph. An error names the file and the step.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { flowSchema } from "../engine/flow-schema.ts";
import type { FlowDefinition } from "../engine/types.ts";
import { validateFlow } from "../engine/validate.ts";

/** A problem in a flow file, located as precisely as we can. */
export interface FlowFileProblem {
  file: string;
  step?: string;
  message: string;
}

export class FlowFileError extends Error {
  override name = "FlowFileError";
  readonly problems: FlowFileProblem[];
  constructor(problems: FlowFileProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}

/** `flows/onboarding.yaml: step "consent": …` */
export function formatProblem(p: FlowFileProblem): string {
  return `${p.file}: ${p.step ? `step "${p.step}": ` : ""}${p.message}`;
}

/** The flows the bot knows, by id and version. */
export interface FlowRegistry {
  /** The current version of a flow. Throws if unknown. */
  latest(id: string): FlowDefinition;
  /** A given version, current or archived. */
  version(id: string, version: number): FlowDefinition | undefined;
  /** Whether a flow with this id exists. */
  has(id: string): boolean;
  readonly ids: readonly string[];
  /** The file the current version of a flow was loaded from (`<dir>/<name>.yaml`). */
  fileOf(id: string): string | undefined;
}

/** Parses and validates one flow file's text. Returns the flow or its problems. */
export function parseFlow(
  file: string,
  text: string,
  hasKey?: (key: string) => boolean,
): { flow?: FlowDefinition; problems: FlowFileProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : "";
    return {
      problems: [{ file, message: `not valid YAML${where}: ${(error as Error).message.split("\n")[0]}` }],
    };
  }
  const result = flowSchema.safeParse(raw);
  if (!result.success) {
    return {
      problems: result.error.issues.map((issue) => {
        const [first, index, ...rest] = issue.path;
        const stepId =
          first === "steps" && typeof index === "number"
            ? ((raw as { steps?: { id?: unknown }[] }).steps?.[index]?.id as string | undefined)
            : undefined;
        const field = (stepId !== undefined ? rest : issue.path).join(".");
        return {
          file,
          ...(stepId !== undefined
            ? { step: String(stepId) }
            : first === "steps"
              ? { step: `#${Number(index) + 1}` }
              : {}),
          message: `${field ? `${field}: ` : ""}${issue.message}`,
        };
      }),
    };
  }
  const problems = validateFlow(result.data, hasKey).map((p) => ({ file, ...p }));
  return problems.length ? { problems } : { flow: result.data, problems };
}

async function yamlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Loads and checks all flows under `dir`; throws FlowFileError listing every problem. */
export async function loadFlows(dir: string, hasKey?: (key: string) => boolean): Promise<FlowRegistry> {
  const current = await yamlFiles(dir);
  const archived = await yamlFiles(path.join(dir, "archive"));
  if (current.length === 0) throw new FlowFileError([{ file: dir, message: "no flow files (*.yaml) found" }]);
  const problems: FlowFileProblem[] = [];
  const latest = new Map<string, FlowDefinition>();
  const versions = new Map<string, FlowDefinition>();
  const fileOfId = new Map<string, string>();
  for (const [files, isCurrent] of [
    [current, true],
    [archived, false],
  ] as const) {
    for (const file of files) {
      const shown = path.relative(process.cwd(), file) || file;
      const parsed = parseFlow(shown, await readFile(file, "utf8"), hasKey);
      problems.push(...parsed.problems);
      const flow = parsed.flow;
      if (!flow) continue;
      const key = `${flow.id}@${flow.version}`;
      if (versions.has(key))
        problems.push({ file: shown, message: `flow "${flow.id}" version ${flow.version} is defined twice` });
      versions.set(key, flow);
      if (isCurrent) {
        if (latest.has(flow.id))
          problems.push({ file: shown, message: `flow id "${flow.id}" is used by two files` });
        latest.set(flow.id, flow);
        fileOfId.set(flow.id, file);
      }
    }
  }
  for (const flow of versions.values()) {
    const newest = latest.get(flow.id);
    if (newest && flow.version > newest.version) {
      problems.push({
        file: dir,
        message: `archived "${flow.id}" v${flow.version} is newer than the current v${newest.version}`,
      });
    }
  }
  if (problems.length) throw new FlowFileError(problems);
  return {
    latest(id) {
      const flow = latest.get(id);
      if (!flow) throw new Error(`unknown flow "${id}"`);
      return flow;
    },
    version: (id, version) => versions.get(`${id}@${version}`),
    has: (id) => latest.has(id),
    ids: [...latest.keys()],
    fileOf: (id) => fileOfId.get(id),
  };
}
