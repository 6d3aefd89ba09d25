/**
 * `case erase <case id> --as <email> --confirm`: erases the person of a case at their request,
 * made in person or by phone, everywhere, as /delete does (privacy/staff-erasure.ts). The case's
 * counsellor or a coordinator only. The command line runs no channel senders: the last message
 * each of the person's chats gets is handed to the running bot (privacy/farewell-queue.ts), which
 * sends it unstored as the console does; with no bot taking it in time, it says so.
 */
import { DomainError } from "../domain/errors.ts";
import {
  FAREWELL_WAIT_MS,
  type FarewellsSettled,
  farewellsThroughBot,
} from "../domain/privacy/farewell-queue.ts";
import { eraseCaseClient } from "../domain/privacy/staff-erasure.ts";
import type { CliCommand } from "./commands.ts";
import { flag, need } from "./option-values.ts";
import { formatFields } from "./text-output.ts";

/** What became of the last message: nothing to send, handed to the bot, or not (in part or at all). */
type LastMessage = "none" | "no_chat" | "sent" | "partly_sent" | "not_sent";

const LAST_MESSAGE: Record<LastMessage, string> = {
  none: "-",
  no_chat: "none: no chat of theirs may be written to (blocked, or stopped with /stop)",
  sent: "handed to the running bot, which sends it to each of their chats",
  partly_sent:
    "only some of their chats got it (the bot did not take the rest in time): tell the person yourself",
  not_sent: `not sent (no running bot took it within ${FAREWELL_WAIT_MS / 1000} s): tell the person yourself`,
};

/** The last message's fate: `chats` handed to the farewell, `settled` what the bot took (none: no queue). */
function lastMessage(alreadyErased: boolean, chats: number, settled?: FarewellsSettled): LastMessage {
  if (alreadyErased) return "none";
  if (!settled) return "not_sent";
  if (!chats) return "no_chat";
  if (!settled.withdrawn) return "sent";
  return settled.taken ? "partly_sent" : "not_sent";
}

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
    const { queue, translator, farewells } = await scheduling();
    const farewell = farewells ? farewellsThroughBot(farewells) : undefined;
    const erased = await eraseCaseClient(
      { db, queue, translator, ...(farewell ? { farewell } : {}) },
      staff,
      need(values, "case-id"),
    );
    const settled = await farewell?.settled();
    const message = lastMessage(erased.alreadyErased, erased.told, settled);
    return {
      json: { ...erased, told: settled?.taken ?? 0, message },
      text: formatFields(erased.alreadyErased ? "Nothing left to erase" : "Person erased", [
        ["Case", erased.caseId],
        [
          "Erased",
          erased.alreadyErased
            ? "before (nobody is linked to the case)"
            : "now, everywhere (cannot be undone)",
        ],
        ["Last message", LAST_MESSAGE[message]],
      ]),
    };
  },
};
