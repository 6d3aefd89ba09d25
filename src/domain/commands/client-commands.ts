/**
 * The commands a client can type, in one table: name, the locale keys of its menu line and its
 * /help line, its place in both, and what it does. The conversation core parses them, Telegram's
 * command menu (setMyCommands) and /help list them from here. Commands stay Latin so they work on
 * every keyboard; what they say is in every client language (locales/<lng>/commands.json).
 */
import type { ClientCommand } from "../../conversation/turn-registry.ts";
import { assessmentCommand } from "../assessment/assessment-turns.ts";
import { linkCommand } from "../cases/link-turns.ts";
import { startCommand } from "../cases/onboarding-turns.ts";
import { alertsCommand } from "../vacancies/job-turns.ts";

export const CLIENT_COMMANDS: readonly ClientCommand[] = [
  { name: "start", order: 1, descriptionKey: "commands.start_description", handle: startCommand },
  {
    name: "language",
    order: 2,
    descriptionKey: "commands.language_description",
    handle: (ctx) => ctx.stack.start("language"),
  },
  {
    name: "assessment",
    order: 3,
    descriptionKey: "commands.assessment_description",
    handle: assessmentCommand,
  },
  { name: "alerts", order: 4, descriptionKey: "commands.alerts_description", handle: alertsCommand },
  {
    name: "help",
    order: 5,
    descriptionKey: "commands.help_description",
    handle: (ctx) => ctx.reply({ key: "commands.help" }),
  },
  {
    name: "privacy",
    order: 6,
    descriptionKey: "commands.privacy_description",
    handle: (ctx) => ctx.reply({ key: "commands.privacy" }),
  },
  {
    name: "delete",
    order: 7,
    descriptionKey: "commands.delete_description",
    handle: (ctx) =>
      ctx.consented ? ctx.stack.start("erase") : ctx.reply({ key: "commands.delete_nothing" }),
  },
  {
    name: "stop",
    order: 8,
    descriptionKey: "commands.stop_description",
    handle: (ctx) => {
      ctx.status = "opted_out";
      ctx.reply({ key: "commands.stop_done" });
    },
  },
  { name: "link", order: 9, descriptionKey: "commands.link_description", handle: linkCommand },
];
