/**
 * The client messages worth a voice version, in one module. Every question and message of the
 * flows the app loaded (the current versions under FLOWS_DIR: the onboarding, the questionnaire,
 * the check-in, job alerts, …) is taken from the flow registry, so a new question is recordable
 * the day its flow is deployed, and a deployment with its own flows records its own questions;
 * the messages that come from no flow (the help menu, reminders, job alerts, …) are listed by
 * hand. Built once at start (`voiceKeys(flows)`, src/app.ts); the console's recording page lists
 * them grouped this way, per client language; a recording for any other key is refused.
 */
import path from "node:path";
import type { Step } from "../../engine/types.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";

/** Messages no flow sends: what a person who reads little meets outside the flows. */
const OTHER_KEYS = [
  "commands.help",
  "commands.privacy",
  "common.nothing_to_do",
  "appointments.created",
  "appointments.reminder",
  "appointments.moved",
  "appointments.cancelled",
  "checkin.how_is_work",
  "jobs.alert",
  "jobs.alert_cv",
] as const;

/**
 * One heading of the recording page: a flow's keys, or (`flow` and `file` undefined) the others.
 * Staff read the flow's name (`flowNameKey`), never its file.
 */
export interface VoiceKeyGroup {
  /** The flow's id (`self_assessment`). */
  flow?: string;
  /** The file it was loaded from, for whoever edits it. */
  file?: string;
  /** The flow's own description, in the words of whoever wrote it (no translation). */
  description?: string;
  keys: readonly string[];
}

/** The recordable keys of one deployment: the page's groups, every key once, and the check. */
export interface VoiceKeys {
  /** In order: each flow file (onboarding, questionnaire, the rest by name), then the others. */
  readonly groups: readonly VoiceKeyGroup[];
  readonly keys: readonly string[];
  /** Whether `key` is one the console records. */
  isKey(key: string): boolean;
}

/** What a step says: a question's prompt, or the text of a message or of an end. */
export const stepKey = (step: Step): string | undefined =>
  "prompt" in step ? step.prompt : "text" in step ? step.text : undefined;

const FIRST = ["onboarding.yaml", "self-assessment.yaml"];

function flowGroups(flows: FlowRegistry): VoiceKeyGroup[] {
  // What a newcomer meets first comes first: the onboarding, then the questionnaire.
  const rank = (f: string) => FIRST.indexOf(f) >>> 0;
  const named = flows.ids.map((id) => {
    const file = flows.fileOf(id) ?? id;
    return { id, file, name: path.basename(file) };
  });
  named.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const seen = new Set<string>();
  return named.flatMap(({ id, file }) => {
    const keys = flows.latest(id).steps.flatMap((step) => {
      const key = stepKey(step);
      if (!key || seen.has(key)) return [];
      seen.add(key);
      return [key];
    });
    const { description } = flows.latest(id);
    return keys.length ? [{ flow: id, file, ...(description ? { description } : {}), keys }] : [];
  });
}

/** The recordable keys of the flows the app loaded, grouped for the console's page. */
export function voiceKeys(flows: FlowRegistry): VoiceKeys {
  const fromFlows = flowGroups(flows);
  const inFlows = new Set(fromFlows.flatMap((g) => g.keys));
  const groups = [...fromFlows, { keys: OTHER_KEYS.filter((k) => !inFlows.has(k)) }];
  const keys = groups.flatMap((g) => g.keys);
  const set = new Set(keys);
  return { groups, keys, isKey: (key) => set.has(key) };
}
