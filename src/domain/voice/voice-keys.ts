/**
 * The client messages worth a voice version, in one module. Every question and message of the
 * flows (`flows/*.yaml`: the onboarding, the questionnaire, the check-in, job alerts, …) is read
 * from the flow files themselves, so a new question is recordable the day it is added; the
 * messages that come from no flow (the help menu, reminders, job alerts, …) are listed by hand.
 * The console's recording page lists them grouped this way, per client language; a recording for
 * any other key is refused.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Step } from "../../engine/types.ts";
import { parseFlow } from "../../flows/flow-registry.ts";

/** The flow files shipped with the bot (the current versions; archived ones ask nothing new). */
const FLOWS_DIR = fileURLToPath(new URL("../../../flows/", import.meta.url));

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

/** One heading of the recording page: a flow file's keys, or (`file` undefined) the others. */
export interface VoiceKeyGroup {
  file?: string;
  keys: readonly string[];
}

/** What a step says: a question's prompt, or the text of a message or of an end. */
export const stepKey = (step: Step): string | undefined =>
  "prompt" in step ? step.prompt : "text" in step ? step.text : undefined;

const FIRST = ["onboarding.yaml", "self-assessment.yaml"];

function flowGroups(): VoiceKeyGroup[] {
  // What a newcomer meets first comes first: the onboarding, then the questionnaire.
  const rank = (f: string) => FIRST.indexOf(f) >>> 0;
  const files = readdirSync(FLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const seen = new Set<string>();
  return files.flatMap((file) => {
    const { flow } = parseFlow(`flows/${file}`, readFileSync(`${FLOWS_DIR}${file}`, "utf8"));
    const keys = (flow?.steps ?? []).flatMap((step) => {
      const key = stepKey(step);
      if (!key || seen.has(key)) return [];
      seen.add(key);
      return [key];
    });
    return keys.length ? [{ file: `flows/${file}`, keys }] : [];
  });
}

const FLOW_GROUPS = flowGroups();
const IN_FLOWS = new Set(FLOW_GROUPS.flatMap((g) => g.keys));

/** The page's groups, in order: each flow file, then the messages of no flow. */
export const VOICE_KEY_GROUPS: readonly VoiceKeyGroup[] = [
  ...FLOW_GROUPS,
  { keys: OTHER_KEYS.filter((k) => !IN_FLOWS.has(k)) },
];

/** Every recordable key, once. */
export const VOICE_MESSAGE_KEYS: readonly string[] = VOICE_KEY_GROUPS.flatMap((g) => g.keys);

const KEYS = new Set<string>(VOICE_MESSAGE_KEYS);

/** Whether `key` is one the console records. */
export const isVoiceMessageKey = (key: string): boolean => KEYS.has(key);
