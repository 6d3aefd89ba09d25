/**
 * The commands a client can type in any language (the replies are localised; the commands stay
 * Latin so they work on every keyboard and match Telegram's command menu).
 */

export const COMMANDS = [
  "start",
  "language",
  "assessment",
  "alerts",
  "help",
  "privacy",
  "delete",
  "stop",
  "link",
] as const;
export type CommandName = (typeof COMMANDS)[number];

export type ParsedCommand = { name: CommandName; argument?: string } | { name: "unknown"; typed: string };

/** Reads "/start abc123", "/help@my_bot" or "/HELP"; returns undefined for text that is no command. */
export function parseCommand(text: string | undefined): ParsedCommand | undefined {
  const match = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+(\S.*))?$/s.exec(text?.trim() ?? "");
  if (!match) return undefined;
  const name = (match[1] ?? "").toLowerCase();
  const argument = match[2]?.trim();
  if ((COMMANDS as readonly string[]).includes(name)) {
    return { name: name as CommandName, ...(argument ? { argument } : {}) };
  }
  return { name: "unknown", typed: name };
}
