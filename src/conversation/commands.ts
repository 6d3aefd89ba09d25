/**
 * Reading a command a client typed ("/start abc123", "/help@my_bot", "/HELP"). Which commands
 * exist is the command table's business (src/domain/commands/client-commands.ts, registered
 * with the core); this only splits the text.
 */

export type ParsedCommand =
  | { kind: "known"; name: string; argument?: string }
  | { kind: "unknown"; typed: string };

/** The command in `text` among `names`; undefined for text that is no command. */
export function parseCommand(text: string | undefined, names: readonly string[]): ParsedCommand | undefined {
  const match = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+(\S.*))?$/s.exec(text?.trim() ?? "");
  if (!match) return undefined;
  const name = (match[1] ?? "").toLowerCase();
  const argument = match[2]?.trim();
  if (names.includes(name)) return { kind: "known", name, ...(argument ? { argument } : {}) };
  return { kind: "unknown", typed: name };
}
