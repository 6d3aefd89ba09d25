/**
 * The counsellor command line's commands, in one table: dispatch and `help` both read it, so
 * they cannot drift apart. Each command parses nothing itself (run-cli.ts does) and prints
 * nothing itself: it calls the domain and returns what to show, as JSON and as text.
 */
import type { Config } from "../config.ts";
import { createCase, listCases } from "../domain/cases/cases.ts";
import { leadsForStaff } from "../domain/cases/lead-assignment.ts";
import { createCounsellor } from "../domain/organisations/counsellors.ts";
import { createOrganisation } from "../domain/organisations/organisations.ts";
import { createProgramme } from "../domain/organisations/programmes.ts";
import type { Db } from "../store/prisma.ts";
import { type ActingStaff, withActingStaff } from "./acting-staff.ts";
import { appointmentCommands } from "./appointment-commands.ts";
import { broadcastCommands } from "./broadcast-commands.ts";
import { caseEraseCommand } from "./case-erase.ts";
import { caseShowCommand } from "./case-show.ts";
import { funnelCommand } from "./funnel-command.ts";
import { inviteLinks, TELEGRAM_USERNAME_HINT } from "./invite-links.ts";
import { inviteQrText, qrLink } from "./invite-qr.ts";
import { dash, flag, need, string } from "./option-values.ts";
import { placementCommands } from "./placement-commands.ts";
import { retentionCommand } from "./retention-command.ts";
import type { SchedulingProvider } from "./scheduling-services.ts";
import { staffCommands } from "./staff-commands.ts";
import { taskCommands } from "./task-commands.ts";
import { formatDateTime, formatFields, formatTable } from "./text-output.ts";
import { vacancyCommands } from "./vacancy-commands.ts";

/** An option of a command: `--name <value>` (string) or `--name` (boolean flag). */
export interface CliOption {
  name: string;
  type: "string" | "boolean";
  /** The placeholder shown in usage, e.g. `<email>`. */
  value?: string;
  required?: boolean;
  description: string;
}

/** A positional argument of a command, e.g. `case show <case id>`: its value arrives in the option values under `name`. */
export interface CliArgument {
  name: string;
  /** The placeholder shown in usage, e.g. `<case id>`. */
  value: string;
  description: string;
}

/** What a command needs: the store, the configuration, and (for scheduling) the queue and outbox. */
export interface CommandContext {
  db: Db;
  config: Config;
  /** The nudge queue, outbox and translator; opened on first call (Redis), only by commands that schedule. */
  scheduling: SchedulingProvider;
  /** The staff member named by `--as`, for the commands that show client data (acting-staff.ts). */
  staff?: ActingStaff;
}

/** What a command returns: `json` for `--json`, `text` for people. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/** Option values as node:util parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** One command: the words that name it, its options, and what it does. */
export interface CliCommand {
  words: readonly string[];
  summary: string;
  /** At most one, always required. */
  argument?: CliArgument;
  options: readonly CliOption[];
  run(values: OptionValues, context: CommandContext): Promise<CommandOutput>;
}

/** Every command but `help` (run-cli.ts handles help from this same table). */
export const COMMANDS: readonly CliCommand[] = (
  [
    {
      words: ["org", "create"],
      summary: "Create an organisation.",
      options: [
        {
          name: "slug",
          type: "string",
          value: "<slug>",
          required: true,
          description: "short id, e.g. actiris",
        },
        { name: "name", type: "string", value: "<name>", required: true, description: "display name" },
      ],
      async run(values, { db }) {
        const org = await createOrganisation(db, { slug: need(values, "slug"), name: need(values, "name") });
        return {
          json: org,
          text: formatFields("Organisation created", [
            ["Id", org.id],
            ["Slug", org.slug],
            ["Name", org.name],
          ]),
        };
      },
    },
    {
      words: ["programme", "create"],
      summary: "Create a programme in an organisation.",
      options: [
        {
          name: "org",
          type: "string",
          value: "<slug>",
          required: true,
          description: "the organisation's slug",
        },
        {
          name: "slug",
          type: "string",
          value: "<slug>",
          required: true,
          description: "short id, e.g. roma-at-work",
        },
        { name: "name", type: "string", value: "<name>", required: true, description: "display name" },
        {
          name: "timezone",
          type: "string",
          value: "<zone>",
          description: "IANA time zone (default Europe/Brussels)",
        },
        {
          name: "default-intake",
          type: "boolean",
          description: "clients who start without a code become leads here (unsets it elsewhere)",
        },
        { name: "invite-code", type: "boolean", description: "give the programme a code for posters" },
      ],
      async run(values, { db, config }) {
        const programme = await createProgramme(db, {
          organisationSlug: need(values, "org"),
          slug: need(values, "slug"),
          name: need(values, "name"),
          timezone: string(values, "timezone"),
          isDefaultIntake: flag(values, "default-intake"),
          withInviteCode: flag(values, "invite-code"),
        });
        const links = programme.inviteCode ? inviteLinks(programme.inviteCode, config) : null;
        return {
          json: { ...programme, links },
          text: formatFields("Programme created", [
            ["Id", programme.id],
            ["Slug", programme.slug],
            ["Name", programme.name],
            ["Time zone", programme.timezone],
            ["Default intake", programme.isDefaultIntake ? "yes" : "no"],
            [
              "Invite code",
              programme.inviteCode && `${programme.inviteCode} (for posters; any number of clients)`,
            ],
            ...linkFields(links),
          ]),
        };
      },
    },
    {
      words: ["counsellor", "create"],
      summary: "Create a counsellor in an organisation.",
      options: [
        {
          name: "org",
          type: "string",
          value: "<slug>",
          required: true,
          description: "the organisation's slug",
        },
        { name: "name", type: "string", value: "<name>", required: true, description: "full name" },
        { name: "email", type: "string", value: "<email>", required: true, description: "e-mail address" },
        { name: "locale", type: "string", value: "nl|fr|en", description: "working language (default nl)" },
      ],
      async run(values, { db }) {
        const counsellor = await createCounsellor(db, {
          organisationSlug: need(values, "org"),
          name: need(values, "name"),
          email: need(values, "email"),
          locale: string(values, "locale") as "nl" | "fr" | "en" | undefined,
        });
        return {
          json: counsellor,
          text: formatFields("Counsellor created", [
            ["Id", counsellor.id],
            ["Name", counsellor.name],
            ["E-mail", counsellor.email],
            ["Locale", counsellor.locale],
          ]),
        };
      },
    },
    {
      words: ["case", "create"],
      summary: "Open a case and get the invite link to give the client.",
      options: [
        {
          name: "programme",
          type: "string",
          value: "<slug>",
          required: true,
          description: "the programme's slug",
        },
        {
          name: "counsellor",
          type: "string",
          value: "<email>",
          required: true,
          description: "the owning counsellor's e-mail",
        },
        {
          name: "reference",
          type: "string",
          value: "<text>",
          description: "your own label: initials or a file number, not a full name",
        },
      ],
      async run(values, { db, config }) {
        const created = await createCase(db, {
          programmeSlug: need(values, "programme"),
          counsellorEmail: need(values, "counsellor"),
          reference: string(values, "reference"),
        });
        const links = inviteLinks(created.inviteCode, config);
        const link = qrLink(links);
        const qr = link ? `\n\nScan to open ${link}:\n${await inviteQrText(link)}` : "";
        return {
          json: { ...created, links },
          text: `${formatFields("Case created", [
            ["Case id", created.id],
            ["Programme", created.programmeSlug],
            ["Counsellor", created.counsellorName],
            ["Reference", created.reference],
            ["Invite code", `${created.inviteCode} (works once)`],
            ...linkFields(links),
          ])}\n\nGive the client the link (or its QR code). It links the first person who uses it to this case.${qr}`,
        };
      },
    },
    {
      words: ["case", "list"],
      summary: "List the cases of your organisation (a steward: the clients they brought in).",
      options: [],
      async run(_values, context) {
        const { db, config } = context;
        const cases = await listCases(db, { counsellorEmail: actor(context).email, staff: actor(context) });
        const rows = cases.map((c) => [
          c.id,
          dash(c.programmeSlug),
          c.status,
          dash(c.counsellorName),
          dash(c.reference),
          c.clientLinked ? (c.clientName ?? "linked") : "not yet",
          dash(c.inviteCode),
          formatDateTime(c.createdAt, config.TZ_DEFAULT),
        ]);
        const headers = [
          "CASE",
          "PROGRAMME",
          "STATUS",
          "COUNSELLOR",
          "REFERENCE",
          "CLIENT",
          "CODE",
          "CREATED",
        ];
        return {
          json: cases,
          text: cases.length === 0 ? "No cases." : formatTable(headers, rows),
        };
      },
    },
    caseShowCommand,
    caseEraseCommand,
    {
      words: ["leads", "list"],
      summary:
        "List the clients of your organisation waiting for a counsellor, whatever their status, oldest first.",
      options: [],
      async run(_values, context) {
        const leads = await leadsForStaff(context.db, actor(context));
        const rows = leads.map((lead) => [
          lead.caseId,
          dash(lead.programmeSlug),
          lead.status,
          formatDateTime(lead.createdAt, context.config.TZ_DEFAULT),
          dash(lead.clientLocale),
          dash(lead.clientName),
        ]);
        const headers = ["CASE", "PROGRAMME", "STATUS", "SINCE", "LANGUAGE", "NAME"];
        return {
          json: leads,
          text: leads.length === 0 ? "No leads waiting." : formatTable(headers, rows),
        };
      },
    },
    ...staffCommands,
    ...appointmentCommands,
    ...placementCommands,
    ...taskCommands,
    retentionCommand,
    funnelCommand,
    ...vacancyCommands,
    ...broadcastCommands,
  ] satisfies CliCommand[]
).map(withActingStaff);

/** The staff member of a command wrapped by withActingStaff. */
function actor(context: CommandContext): ActingStaff {
  if (!context.staff) throw new Error("this command needs --as (withActingStaff)");
  return context.staff;
}

function linkFields(links: { telegram: string | null; webChat: string | null } | null): [string, string][] {
  if (!links) return [];
  return [
    ["Telegram link", links.telegram ?? `(${TELEGRAM_USERNAME_HINT})`],
    ["Web chat link", links.webChat ?? "(web chat is off: see WEBCHAT_ENABLED)"],
  ];
}
