/**
 * Every CLI command that reads client data names the staff member it acts for (`--as <email>`),
 * and sees only what that person may see in the console: their organisation (a steward, only
 * the clients they brought in). This wrapper adds the option, resolves the staff member, and
 * checks the ids and slugs the command line names (a case, a vacancy, a broadcast, an
 * organisation, a programme) before the command runs; the command gets `context.staff`.
 */
import { requireCaseInScope } from "../domain/cases/case-access.ts";
import { DomainError } from "../domain/errors.ts";
import { emailField } from "../domain/organisations/fields.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import type { Db } from "../store/prisma.ts";
import type { CliCommand, OptionValues } from "./commands.ts";

/** The commands that show client data (or erase it). */
export const CLIENT_DATA_COMMANDS: ReadonlySet<string> = new Set([
  "case show",
  "case erase",
  "case list",
  "leads list",
  "appointment list",
  "tasks list",
  "vacancy match",
  "broadcast report",
]);

/** The staff member a command acts for. */
export interface ActingStaff extends StaffIdentity {
  email: string;
  organisationSlug: string;
}

/** Adds `--as` to the commands of CLIENT_DATA_COMMANDS; others are returned as they are. */
export function withActingStaff(command: CliCommand): CliCommand {
  if (!CLIENT_DATA_COMMANDS.has(command.words.join(" "))) return command;
  return {
    ...command,
    options: [
      {
        name: "as",
        type: "string",
        value: "<email>",
        required: true,
        description: "your staff e-mail: you see only what your role and organisation may",
      },
      ...command.options,
    ],
    async run(values, context) {
      const staff = await actingStaff(context.db, String(values.as ?? ""));
      await checkScope(context.db, staff, values);
      return command.run(values, { ...context, staff });
    },
  };
}

async function actingStaff(db: Db, input: string): Promise<ActingStaff> {
  const email = emailField.safeParse(input);
  const row = email.success
    ? await db.counsellor.findUnique({ where: { email: email.data }, include: { organisation: true } })
    : null;
  if (!row || row.deactivatedAt) throw new DomainError(`No active staff member with e-mail ${input} (--as).`);
  return {
    staffId: row.id,
    organisationId: row.organisationId,
    role: row.role,
    locale: row.locale,
    email: row.email,
    organisationSlug: row.organisation.slug,
  };
}

/** The ids and slugs on the command line must be of the staff member's organisation. */
async function checkScope(db: Db, staff: ActingStaff, values: OptionValues): Promise<void> {
  const text = (name: string) =>
    typeof values[name] === "string" ? (values[name] as string).trim() : undefined;
  const org = text("org")?.toLowerCase();
  if (org && org !== staff.organisationSlug) throw new DomainError(`No organisation "${org}" among yours.`);
  for (const caseId of [text("case"), text("case-id")])
    if (caseId) await requireCaseInScope(db, staff, caseId);
  const mine = { organisationId: staff.organisationId };
  const vacancy = text("vacancy-id");
  if (vacancy && !(await db.vacancy.findFirst({ where: { id: vacancy, ...mine } })))
    throw new DomainError("No such vacancy in your organisation.");
  const broadcast = text("broadcast-id");
  if (broadcast && !(await db.broadcast.findFirst({ where: { id: broadcast, ...mine } })))
    throw new DomainError("No such broadcast in your organisation.");
  const programme = text("programme")?.toLowerCase();
  if (programme && !(await db.programme.findFirst({ where: { slug: programme, ...mine } })))
    throw new DomainError(`No programme "${programme}" in your organisation.`);
}
