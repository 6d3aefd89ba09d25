/**
 * A client for the staff erasure tests: a Romanian speaker who joined a case of organisation A
 * on Telegram with its invite, linked a second chat (/link), wrote something of their own, and has
 * a staff note, a placement, a saved list and a task about them; with the staff around the case
 * (its counsellor, a colleague, a coordinator, the steward who brought them in) and a coordinator
 * of organisation B.
 */
import type { App } from "../../src/app.ts";
import { saveList } from "../../src/domain/broadcasts/saved-lists.ts";
import { addCaseNote } from "../../src/domain/cases/case-notes.ts";
import { createCase } from "../../src/domain/cases/cases.ts";
import { recordPlacement } from "../../src/domain/placements/placements.ts";
import { createTask } from "../../src/domain/tasks/tasks.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "./db.ts";
import type { FakeTelegram } from "./fake-telegram.ts";
import { staffMember } from "./staff.ts";
import { TelegramUser } from "./telegram-user.ts";

export async function erasureWorld(app: App, telegram: FakeTelegram) {
  const s = uid();
  const { organisation, programme } = await organisationWithCounsellor(app.db);
  const staff = async (role: "counsellor" | "coordinator" | "steward") =>
    staffMember(app.db, organisation.slug, role);
  const [owner, colleague, coordinator, steward] = [
    await staff("counsellor"),
    await staff("counsellor"),
    await staff("coordinator"),
    await staff("steward"),
  ];
  const other = await organisationWithCounsellor(app.db);
  const outsider = await staffMember(app.db, other.organisation.slug, "coordinator");
  const created = await createCase(app.db, {
    programmeSlug: programme.slug,
    counsellorEmail: owner.email,
    reference: `IP-${s}`,
  });
  // The steward brought them in: they see the case, and still may not erase.
  await app.db.case.update({ where: { id: created.id }, data: { broughtInById: steward.id } });
  const user = new TelegramUser(app, telegram);
  await user.say(`/start ${created.inviteCode}`);
  await user.tap("language:ro");
  await user.tap("consent:accept");
  const [codeMessage] = await user.say("/link");
  const second = new TelegramUser(app, telegram);
  await second.say(`/link ${/\d{4} \d{4}/.exec(codeMessage?.text ?? "")?.[0]}`);
  const words = `Strada-${s}`;
  await user.say(`I live at ${words} 7`);
  const conversations = await app.db.conversation.findMany({
    where: { externalConversationId: { in: [String(user.userId), String(second.userId)] } },
  });
  const clientId = conversations[0]?.clientId as string;
  await addCaseNote(app.db, owner.identity, created.id, `knows ${words}`);
  const employer = `Bakery-${s}`;
  await recordPlacement(
    { db: app.db, queue: app.nudgeQueue, defaultTimeZone: "Europe/Brussels" },
    { caseId: created.id, employer, job: `baker-${s}`, startDate: "2099-01-04", contractType: "fixed" },
  );
  await saveList(app.db, {
    organisationSlug: organisation.slug,
    name: `Tuesday ${s}`,
    caseIds: [created.id],
  });
  await createTask(app.db, {
    kind: "checkin.escalation",
    caseId: created.id,
    organisationId: organisation.id,
    data: { point: "week_1", reasons: "pay", mood: 1 },
  });
  const ids = [clientId, ...conversations.map((c) => c.id), String(user.userId), String(second.userId)];
  return {
    organisation,
    programme,
    other,
    owner,
    colleague,
    coordinator,
    steward,
    outsider,
    caseId: created.id,
    reference: `IP-${s}`,
    user,
    second,
    clientId,
    /** What must be gone after the erasure: the person's ids and their words. */
    ids,
    needles: [...ids, words, employer],
  };
}
