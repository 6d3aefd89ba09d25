/**
 * The command table as buttons, for people who read little: /help, an unknown command and input
 * nobody took answer with a menu (my appointments, questionnaire, job alerts, language, my
 * counsellor, privacy, delete), and a tap on one of its buttons (`cmd:<name>`) runs that command
 * as if it had been typed. Typing a command stays possible; the web chat's menu button sends
 * `cmd:help`.
 */

import type { ChannelName } from "../../channels/types.ts";
import {
  type ClientCommand,
  onButton,
  onUnknown,
  type TurnContext,
  type TurnRegistration,
} from "../../conversation/turn-registry.ts";
import type { Output, OutputChoice } from "../../engine/types.ts";

/** Button ids of the menu: `cmd:<command name>`. */
export const menuChoiceId = (name: string): string => `cmd:${name}`;

/** Whether `command` can do its work on `channel` (Teams has no voice notes: no 🔊 there). */
export const offeredOn = (command: ClientCommand, channel: ChannelName): boolean =>
  !command.notOn?.includes(channel);

/** The menu's buttons on `channel`, in menu order: every command with a `menuKey` offered there. */
export function menuChoices(commands: readonly ClientCommand[], channel: ChannelName): OutputChoice[] {
  return commands.flatMap((c) =>
    c.menuKey && offeredOn(c, channel) ? [{ id: menuChoiceId(c.name), label: c.menuKey }] : [],
  );
}

/** `key` (what the bot says) with the turn's channel's menu under it. */
export const withMenu = (key: string, ctx: Pick<TurnContext, "commands" | "message">): Output => ({
  key,
  choices: menuChoices(ctx.commands, ctx.message.channel),
});

export const commandMenuTurns: TurnRegistration[] = [
  onButton("cmd", async (ctx, choiceId) => {
    const command = ctx.commands.find((c) => menuChoiceId(c.name) === choiceId);
    if (!command) return false;
    await command.handle(ctx, undefined);
    return true;
  }),
  onUnknown((ctx, what) =>
    ctx.reply(withMenu(what === "command" ? "common.unknown_command" : "common.nothing_to_do", ctx)),
  ),
];
