/**
 * Staff in Teams, for tests: a staff member whose Teams chat is linked to their console account
 * through the real path (a console code typed to the bot over /api/messages), and waiting for
 * what the outbox sends (staff answers and cards are written to the outbox, not sent in a turn).
 */
import { expect } from "vitest";
import { createStaffTeamsCode } from "../../../src/domain/staff/teams-link.ts";
import { staffMember } from "../../support/staff.ts";
import { installed, message, post, sentTo, type TeamsTestBed, type TeamsUser, teamsUser } from "./support.ts";

/** Polls `probe` until it returns something (every 50 ms), or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Posts `text` from `user` and waits for the first answer sent to their chat after it. */
export async function sayAndWait(bed: TeamsTestBed, user: TeamsUser, text: string): Promise<string> {
  const from = bed.fake.sent.length;
  expect((await post(bed, message(bed, user, text))).statusCode).toBe(200);
  const [answer] = await waitFor(() => {
    const answers = sentTo(bed, user, from);
    return answers.length ? answers : undefined;
  }, `an answer to ${user.name}`);
  return answer?.text ?? "";
}

/** A staff member of `organisationSlug` who installed the bot in Teams and typed their console code. */
export async function linkedStaff(
  bed: TeamsTestBed,
  organisationSlug: string,
  options: { locale?: "nl" | "fr" | "en"; name?: string } = {},
) {
  const staff = await staffMember(bed.app.db, organisationSlug, "counsellor", options);
  const user = teamsUser("en-US", options.name ?? "Lena");
  expect((await post(bed, installed(bed, user))).statusCode).toBe(200);
  const code = await createStaffTeamsCode(bed.app.db, staff.id, new Date());
  const answer = await sayAndWait(bed, user, `/link ${code}`);
  expect(answer).toBe(
    bed.app.translator.t("staff-teams.linked", staff.locale, { url: `${consoleUrl(bed)}/me` }),
  );
  return { staff, user };
}

/** The console's address in links (PUBLIC_URL, else http://HOST:PORT). */
export function consoleUrl(bed: TeamsTestBed): string {
  const { PUBLIC_URL, HOST, PORT } = bed.app.config;
  return `${PUBLIC_URL ?? `http://${HOST}:${PORT}`}/console`;
}
