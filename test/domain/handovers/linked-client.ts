/**
 * A client linked on two channels, for the handover tests: a Romanian client of a counsellor's
 * case, onboarded on Telegram (in the questionnaire, or not), who typed the /link code in a Teams
 * chat. Through the real app between the fake Bot API and the fake Bot Framework.
 */
import { expect } from "vitest";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { message, post, type TeamsTestBedWithTelegram, teamsUser } from "../../channels/teams/support.ts";
import { staffMember } from "../../support/staff.ts";
import { TelegramUser } from "../../support/telegram-user.ts";
import { openProgramme } from "../fixtures.ts";

/** `questionnaire`: the client starts the self-assessment on Telegram, so a question waits there. */
export async function linkedClient(bed: TeamsTestBedWithTelegram, options: { questionnaire?: boolean } = {}) {
  const { s } = await openProgramme(bed.app.db);
  const counsellor = await staffMember(bed.app.db, `o-${s}`, "counsellor", { locale: "en" });
  const created = await createCase(bed.app.db, {
    programmeSlug: `p-${s}`,
    counsellorEmail: counsellor.email,
  });
  const onTelegram = new TelegramUser(bed.app, bed.telegram, "ro");
  await onTelegram.say(`/start ${created.inviteCode}`);
  await onTelegram.tap("language:ro");
  await onTelegram.tap("consent:accept");
  await onTelegram.tap(options.questionnaire ? "done:now" : "done:later");
  const [codeMessage] = await onTelegram.say("/link");
  const code = /\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0];
  const onTeams = teamsUser("en-US");
  expect((await post(bed, message(bed, onTeams, `/link ${code}`))).statusCode).toBe(200);
  const caseRow = await bed.app.db.case.findUniqueOrThrow({ where: { id: created.id } });
  const clientId = caseRow.clientId as string;
  const conversations = await bed.app.db.conversation.findMany({ where: { clientId } });
  const telegramConversation = conversations.find((c) => c.channel === "telegram");
  const teamsConversation = conversations.find((c) => c.channel === "teams");
  expect(teamsConversation).toBeDefined();
  return {
    counsellor,
    caseId: created.id,
    clientId,
    onTelegram,
    onTeams,
    telegramId: telegramConversation?.id as string,
    teamsId: teamsConversation?.id as string,
  };
}

export type LinkedClient = Awaited<ReturnType<typeof linkedClient>>;
