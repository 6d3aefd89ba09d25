/**
 * The command line as a function: argv in, text out, an exit code back. main.ts wires it to the
 * process; tests call it directly with their own database and output buffers.
 *
 * Exit codes: 0 done; 1 the command failed for a reason the message explains (DomainError,
 * ConfigError, the database is unreachable); 2 the command line itself is wrong (unknown
 * command, unknown or missing option), printed with the usage.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Config, ConfigError } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { ScheduleSettingsError } from "../scheduling/programme-schedule.ts";
import type { Db } from "../store/prisma.ts";
import { RedisUnreachableError } from "../store/redis.ts";
import { type CliCommand, type CliOption, COMMANDS, type OptionValues } from "./commands.ts";
import type { SchedulingProvider } from "./scheduling-services.ts";
import { commandUsage, GLOBAL_OPTIONS, overallUsage } from "./usage.ts";

/** Where the CLI writes (process.stdout, or a buffer in tests). */
export interface CliOutput {
  write(text: string): unknown;
}

/** What runCli needs from the outside. */
export interface CliDependencies {
  db: Db;
  config: Config;
  stdout: CliOutput;
  stderr: CliOutput;
  /**
   * The nudge queue, outbox and translator for the appointment and placement commands (main.ts
   * opens them on Redis on first use; tests pass their own). Without it those commands fail.
   */
  scheduling?: SchedulingProvider;
}

/** Exit codes: success, a failure the message explains, a wrong command line. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Runs one command line (`argv` without node and script, e.g. `["case", "list", "--counsellor", "a@b.org"]`). */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const print = (text: string) => {
    deps.stdout.write(`${text}\n`);
    return EXIT_OK;
  };
  const usageError = (message: string, usage: string) => {
    deps.stderr.write(`${message}\n\n${usage}\n`);
    return EXIT_USAGE;
  };

  const [first, ...rest] = argv;
  if (first === undefined) return usageError("No command given.", overallUsage(COMMANDS));
  if (first === "help" || first === "--help" || first === "-h") {
    if (rest.length === 0) return print(overallUsage(COMMANDS));
    const command = findCommand(rest);
    if (!command || command.words.length !== rest.length)
      return usageError(`Unknown command "${rest.join(" ")}".`, overallUsage(COMMANDS));
    return print(commandUsage(command));
  }

  const command = findCommand(argv);
  if (!command)
    return usageError(`Unknown command "${leadingWords(argv).join(" ")}".`, overallUsage(COMMANDS));
  const name = command.words.join(" ");
  let values: OptionValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv.slice(command.words.length),
      options: parseArgsOptions([...command.options, ...GLOBAL_OPTIONS]),
      strict: true,
      allowPositionals: command.argument !== undefined,
    }) as { values: OptionValues; positionals: string[] });
  } catch (error) {
    return usageError(describeParseError(error, name), commandUsage(command));
  }
  if (values.help) return print(commandUsage(command));
  if (command.argument) {
    const [value, extra] = positionals;
    if (value === undefined)
      return usageError(`Missing ${command.argument.value} for "${name}".`, commandUsage(command));
    if (extra !== undefined)
      return usageError(`Unexpected argument ${extra} for "${name}".`, commandUsage(command));
    values[command.argument.name] = value;
  }
  const missing = command.options.find((option) => option.required && values[option.name] === undefined);
  if (missing) return usageError(`Missing option --${missing.name} for "${name}".`, commandUsage(command));

  try {
    const output = await command.run(values, {
      db: deps.db,
      config: deps.config,
      scheduling: deps.scheduling ?? noScheduling,
    });
    return print(values.json ? JSON.stringify(output.json, null, 2) : output.text);
  } catch (error) {
    deps.stderr.write(`${describeFailure(error)}\n`);
    return EXIT_FAILED;
  }
}

async function noScheduling(): Promise<never> {
  throw new Error("this command needs the nudge queue and the outbox, and runCli was given none");
}

/** The command named by the longest run of leading words of `argv`. */
function findCommand(argv: readonly string[]): CliCommand | undefined {
  return COMMANDS.filter((command) => command.words.every((word, i) => argv[i] === word)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
}

/** The words before the first option, for "Unknown command" messages. */
function leadingWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((arg) => arg.startsWith("-"));
  return argv.slice(0, end === -1 ? Math.min(argv.length, 2) : Math.min(end, 2));
}

function parseArgsOptions(options: readonly CliOption[]): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(options.map((option) => [option.name, { type: option.type }]));
}

/** node:util parseArgs errors, reworded as one line about this command. */
function describeParseError(error: unknown, command: string): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `Unknown option ${quoted ?? ""} for "${command}".`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
    return `Unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ""} for "${command}" (options start with --).`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && quoted)
    return /does not take/.test(message)
      ? `Option ${quoted} takes no value (for "${command}").`
      : `Option ${quoted} needs a value (for "${command}").`;
  return `${message.split("\n")[0]} (for "${command}")`;
}

/** One line for a failed command: the user's own error as is, an outage with what to do. */
function describeFailure(error: unknown): string {
  if (error instanceof DomainError || error instanceof ConfigError || error instanceof RedisUnreachableError)
    return error.message;
  if (error instanceof ScheduleSettingsError)
    return `The programme's scheduling settings are wrong: ${error.message}. Fix the programme's settings.`;
  const text = `${(error as { code?: string }).code ?? ""} ${error instanceof Error ? error.message : String(error)}`;
  if (/ECONNREFUSED|P1001|Can't reach database|DatabaseNotReachable/i.test(text))
    return "Cannot reach the database named by DATABASE_URL. Is Postgres running (`docker compose up -d postgres`)?";
  if (/P2021|does not exist/i.test(text))
    return "The database is not set up (missing tables or database). Run `npm run db:migrate` or start the bot once.";
  const lines = text.split("\n").map((line) => line.trim());
  return `Unexpected error: ${lines.filter(Boolean).at(-1) ?? "unknown"}`;
}
