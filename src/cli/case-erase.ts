/**
 * `case erase <case id> --as <email> --confirm`: erases the person of a case at their request,
 * made in person or by phone, everywhere, as /delete does (privacy/staff-erasure.ts). The case's
 * counsellor or a coordinator only. The command line runs no channel senders, so it cannot send
 * the last message the console and the API send: it says so, for the staff member to tell them.
 */
import { DomainError } from "../domain/errors.ts";
import { eraseCaseClient } from "../domain/privacy/staff-erasure.ts";
import type { CliCommand } from "./commands.ts";
import { flag, need } from "./option-values.ts";
import { formatFields } from "./text-output.ts";

const NOT_TOLD =
  "not sent (the command line reaches no chat): tell the person yourself, or erase from the console or the API, which send it";

export const caseEraseCommand: CliCommand = {
  words: ["case", "erase"],
  summary: "Erase a case's person everywhere, at their request (in person or by phone). Cannot be undone.",
  argument: { name: "case-id", value: "<case id>", description: "the case's id (see case list)" },
  options: [
    {
      name: "confirm",
      type: "boolean",
      required: true,
      description: "the person asked you themselves, and you checked who they are",
    },
  ],
  async run(values, { db, staff, scheduling }) {
    if (!staff) throw new Error("case erase needs --as (withActingStaff)");
    if (!flag(values, "confirm"))
      throw new DomainError("Add --confirm: the person asked you themselves, and you checked who they are.");
    const { queue, translator } = await scheduling();
    const erased = await eraseCaseClient({ db, queue, translator }, staff, need(values, "case-id"));
    return {
      json: { ...erased, message: erased.alreadyErased ? "none" : "not_sent" },
      text: formatFields(erased.alreadyErased ? "Nothing left to erase" : "Person erased", [
        ["Case", erased.caseId],
        [
          "Erased",
          erased.alreadyErased
            ? "before (nobody is linked to the case)"
            : "now, everywhere (cannot be undone)",
        ],
        ["Last message", erased.alreadyErased ? "-" : NOT_TOLD],
      ]),
    };
  },
};
