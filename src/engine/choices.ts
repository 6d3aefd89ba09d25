/**
 * The buttons a question offers, and the ids they carry. A choice id is `<step>:<choice>` so a
 * tap on an old message's button is recognised as stale; `nav:*` and `rec:*` are the navigation
 * and recovery buttons every question may show. Ids stay within Telegram's 64 bytes (ids ≤ 30).
 */
import { holds } from "./conditions.ts";
import type { EngineContext, OutputChoice, QuestionStep, RunState } from "./types.ts";

export const SKIP = "_skip";
export const DONE = "_done";
export const NAV_BACK = "nav:back";
export const NAV_RESTART = "nav:restart";
export const NAV_COUNSELLOR = "nav:counsellor";
/** The two answers to "start again?": nothing is wiped before the person confirms. */
export const NAV_RESTART_YES = "nav:restart_yes";
export const NAV_RESTART_NO = "nav:restart_no";
export const RECOVER_CONTINUE = "rec:continue";
export const RECOVER_COUNSELLOR = "rec:counsellor";

/** Splits `<step>:<choice>` into its parts. */
export function splitChoiceId(id: string): { stepId: string; choice: string } | undefined {
  const at = id.indexOf(":");
  return at > 0 ? { stepId: id.slice(0, at), choice: id.slice(at + 1) } : undefined;
}

/** The answer buttons of a question (without navigation). */
export function answerChoices(step: QuestionStep, state: RunState, ctx: EngineContext): OutputChoice[] {
  const id = (choice: string) => `${step.id}:${choice}`;
  let choices: OutputChoice[];
  switch (step.type) {
    case "language":
      choices = ctx.locales.map((locale) => ({
        id: id(locale),
        label: "meta.native_name",
        labelLocale: locale,
        emojiKey: "meta.emoji",
      }));
      break;
    case "choice":
    case "multi_choice":
      choices = step.choices
        .filter((c) => !c.when || holds(c.when, state))
        .map((c) => ({
          id: id(c.id),
          label: c.label,
          ...(c.emoji ? { emoji: c.emoji } : {}),
          ...(step.type === "multi_choice" ? { selected: state.selection.includes(c.id) } : {}),
        }));
      if (step.type === "multi_choice") choices.push({ id: id(DONE), label: "common.done" });
      break;
    case "yes_no":
      choices = [
        { id: id("yes"), label: "common.yes" },
        { id: id("no"), label: "common.no" },
      ];
      break;
    default:
      choices = [];
  }
  if (step.optional) choices.push({ id: id(SKIP), label: "common.skip" });
  return choices;
}

/**
 * "Back", "start again" and "my counsellor", when the flow offers navigation: marked `nav`, so
 * channels put them on a row of their own, after the answers, with their own look.
 */
export function navigationChoices(state: RunState): OutputChoice[] {
  return [
    ...(state.history.length > 0 ? [{ id: NAV_BACK, label: "common.back", nav: true }] : []),
    { id: NAV_RESTART, label: "common.restart", nav: true },
    { id: NAV_COUNSELLOR, label: "common.nav_counsellor", nav: true },
  ];
}

/** "Yes, start again" and "No, go on": the answers to "start again?". */
export function restartConfirmChoices(): OutputChoice[] {
  return [
    { id: NAV_RESTART_YES, label: "common.restart_yes" },
    { id: NAV_RESTART_NO, label: "common.restart_no" },
  ];
}

/** The two ways out after too many answers that did not fit. */
export function recoveryChoices(): OutputChoice[] {
  return [
    { id: RECOVER_CONTINUE, label: "common.continue" },
    { id: RECOVER_COUNSELLOR, label: "common.ask_counsellor" },
  ];
}
