/**
 * The commands a client can type, in one table: name, the locale key of its line in the command
 * menus (Telegram's setMyCommands, the Teams app package), the label of its button in the help
 * menu (command-menu.ts; no label: not a button), its place in all of them, and what it does.
 * The conversation core parses `/name` against it. Commands stay Latin so they work on every
 * keyboard; what they say is in every client language (locales/<lng>/commands.json).
 */
import type { ClientCommand } from "../../conversation/turn-registry.ts";
import { appointmentsCommand } from "../appointments/my-appointments.ts";
import { assessmentCommand } from "../assessment/assessment-turns.ts";
import { linkCommand } from "../cases/link-turns.ts";
import { startCommand } from "../cases/onboarding-turns.ts";
import { counsellorCommand } from "../handovers/handover-turns.ts";
import { alertsCommand } from "../vacancies/job-turns.ts";
import { voiceCommand } from "../voice/voice-turns.ts";
import { withMenu } from "./command-menu.ts";

/** A row whose menu line is `commands.<name>_description`. */
const row = (
  name: string,
  order: number,
  handle: ClientCommand["handle"],
  menuKey?: string,
): ClientCommand => ({
  name,
  order,
  descriptionKey: `commands.${name}_description`,
  ...(menuKey ? { menuKey } : {}),
  handle,
});

export const CLIENT_COMMANDS: readonly ClientCommand[] = [
  row("start", 1, startCommand),
  row("appointments", 2, appointmentsCommand, "commands.menu_appointments"),
  row("assessment", 3, assessmentCommand, "commands.menu_assessment"),
  row("alerts", 4, alertsCommand, "commands.menu_alerts"),
  row("language", 5, (ctx) => ctx.stack.start("language"), "commands.menu_language"),
  row("counsellor", 6, counsellorCommand, "common.ask_counsellor"),
  row("privacy", 7, (ctx) => ctx.reply({ key: "commands.privacy" }), "commands.menu_privacy"),
  row(
    "delete",
    8,
    (ctx) => (ctx.consented ? ctx.stack.start("erase") : ctx.reply({ key: "commands.delete_nothing" })),
    "commands.menu_delete",
  ),
  row("stop", 9, (ctx) => {
    ctx.status = "opted_out";
    ctx.reply({ key: "commands.stop_done" });
  }),
  // Teams lists the first ten: /help is the one it leaves out (typed, it works there too).
  row("link", 10, linkCommand),
  row("help", 11, (ctx) => ctx.reply(withMenu("commands.help", ctx))),
  // The menu's last button; Teams has no voice notes: not in its menu nor its command list.
  { ...row("voice", 12, voiceCommand, "commands.menu_voice"), notOn: ["teams"] },
];
