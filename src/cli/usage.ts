/** Usage text, written from the command table so it always says what dispatch does. */
import type { CliCommand, CliOption } from "./commands.ts";

const PROGRAM = "npm run cli --";

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly CliOption[] = [
  { name: "json", type: "boolean", description: "print JSON for scripts instead of text" },
  { name: "help", type: "boolean", description: "show this command's options" },
];

function synopsis(option: CliOption): string {
  const text =
    option.type === "string" ? `--${option.name} ${option.value ?? "<value>"}` : `--${option.name}`;
  return option.required ? text : `[${text}]`;
}

function optionLines(options: readonly CliOption[]): string[] {
  const labels = options.map((o) =>
    o.type === "string" ? `--${o.name} ${o.value ?? "<value>"}` : `--${o.name}`,
  );
  const width = Math.max(...labels.map((label) => label.length));
  return options.map(
    (o, i) => `  ${(labels[i] ?? "").padEnd(width)}  ${o.description}${o.required ? " (required)" : ""}`,
  );
}

/** The command's words and its argument: `case show <case id>`. */
function commandSynopsis(command: CliCommand): string {
  return [...command.words, ...(command.argument ? [command.argument.value] : [])].join(" ");
}

/** The overview: every command with its options on one line. */
export function overallUsage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => commandSynopsis(c).length), "help [<command>]".length);
  const lines = commands.flatMap((c) => [
    `  ${commandSynopsis(c).padEnd(width)}  ${c.summary}`,
    ...(c.options.length ? [`  ${"".padEnd(width)}  ${c.options.map(synopsis).join(" ")}`] : []),
  ]);
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...lines,
    `  ${"help [<command>]".padEnd(width)}  Show this overview, or one command's options.`,
    "",
    "Every command also takes:",
    ...optionLines(GLOBAL_OPTIONS),
  ].join("\n");
}

/** One command's synopsis and options. */
export function commandUsage(command: CliCommand): string {
  const all = [...command.options, ...GLOBAL_OPTIONS];
  const argument = command.argument;
  return [
    `Usage: ${PROGRAM} ${commandSynopsis(command)} ${command.options.map(synopsis).join(" ")}`.trimEnd(),
    "",
    command.summary,
    ...(argument ? ["", "Argument:", `  ${argument.value}  ${argument.description}`] : []),
    "",
    "Options:",
    ...optionLines(all),
  ].join("\n");
}
