/**
 * Staff accounts and API tokens from the operator's command line: `staff invite` prints the
 * one-time link that opens the set-password page (the way to make the first coordinator),
 * `token create` prints a bearer token once, `token revoke` ends one token or all of a person's.
 */
import { baseUrlOf } from "../console/console-context.ts";
import { createApiToken, revokeApiTokens } from "../domain/staff/api-tokens.ts";
import type { StaffRole } from "../domain/staff/staff-identity.ts";
import { INVITE_VALID_DAYS, inviteLink, inviteStaff } from "../domain/staff/staff-invites.ts";
import type { CliCommand } from "./commands.ts";
import { need, string } from "./option-values.ts";

const emailOption = {
  name: "email",
  type: "string",
  value: "<email>",
  required: true,
  description: "the staff member's e-mail",
} as const;

export const staffCommands: readonly CliCommand[] = [
  {
    words: ["staff", "invite"],
    summary: "Invite a staff member: prints the one-time link to set their password.",
    options: [
      {
        name: "org",
        type: "string",
        value: "<slug>",
        required: true,
        description: "the organisation's slug",
      },
      emailOption,
      { name: "name", type: "string", value: "<name>", required: true, description: "full name" },
      {
        name: "role",
        type: "string",
        value: "counsellor|steward|coordinator",
        required: true,
        description: "what they may do (docs/console.md, Roles)",
      },
      { name: "locale", type: "string", value: "nl|fr|en", description: "console language (default nl)" },
    ],
    async run(values, { db, config }) {
      const locale = string(values, "locale") as "nl" | "fr" | "en" | undefined;
      const { staff, token } = await inviteStaff(db, {
        organisationSlug: need(values, "org"),
        email: need(values, "email"),
        name: need(values, "name"),
        role: need(values, "role") as StaffRole,
        ...(locale ? { locale } : {}),
      });
      const link = inviteLink(baseUrlOf(config), token);
      return {
        json: { link },
        text: `Invited ${staff.name} <${staff.email}> as ${staff.role}. Send them this one-time link (valid ${INVITE_VALID_DAYS} days):\n${link}`,
      };
    },
  },
  {
    words: ["token", "create"],
    summary: "Create an API token for a staff member (shown once).",
    options: [emailOption],
    async run(values, { db }) {
      const { token } = await createApiToken(db, need(values, "email"));
      return {
        json: { token },
        text: `${token}\n\nShown once: store it now. Send it as "Authorization: Bearer <token>" to /api/v1.`,
      };
    },
  },
  {
    words: ["token", "revoke"],
    summary: "Revoke one API token (--token) or every token of a staff member (--email).",
    options: [
      {
        name: "email",
        type: "string",
        value: "<email>",
        description: "revoke all of this staff member's tokens",
      },
      { name: "token", type: "string", value: "<token>", description: "revoke this one token" },
    ],
    async run(values, { db }) {
      const revoked = await revokeApiTokens(db, {
        email: string(values, "email"),
        token: string(values, "token"),
      });
      return { json: { revoked }, text: `Revoked ${revoked} token(s).` };
    },
  },
];
