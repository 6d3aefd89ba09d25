/** Reading the option values run-cli.ts parsed, for the commands' `run` functions. */
import { DateTime } from "luxon";
import { DomainError } from "../domain/errors.ts";
import type { OptionValues } from "./commands.ts";

/** An optional string option's value. */
export const string = (values: OptionValues, name: string): string | undefined =>
  values[name] as string | undefined;

/** A required option's or the argument's value (run-cli.ts has checked it is there). */
export const need = (values: OptionValues, name: string): string => {
  const value = values[name];
  if (typeof value !== "string") throw new Error(`option --${name} should have been checked`);
  return value;
};

/** Whether a boolean flag was given. */
export const flag = (values: OptionValues, name: string): boolean => values[name] === true;

/** A value for a text cell: "-" for nothing. */
export const dash = (value: string | null | undefined): string => value ?? "-";

/** A calendar date option as typed (YYYY-MM-DD), or a DomainError naming the option. */
export function calendarDate(value: string, option: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid)
    throw new DomainError(`Invalid --${option} "${value}": use a date as YYYY-MM-DD.`);
  return value;
}
