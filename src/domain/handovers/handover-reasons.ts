/**
 * What a handover's reason code ("asked:<flow>:<step>", "stuck:<flow>:<step>", "words",
 * "free_text", "menu", or a flow's own code) says to staff: the key of its words in the
 * `counsellor` namespace (nl, fr, en). A code with no words of its own says "the bot passed the
 * conversation on".
 */
const WORDED = new Set(["asked", "stuck", "words", "free_text", "menu"]);

/** `handover_reason_<code>` (in `counsellor.*`), or `handover_reason_unknown`. */
export function handoverReasonKey(reason: string): string {
  const code = reason.split(":")[0] ?? "";
  return `handover_reason_${WORDED.has(code) ? code : "unknown"}`;
}
