/**
 * Invite codes: the payload of a Telegram deep link (t.me/<bot>?start=<code>) or of the web chat
 * link. A case code brings one client to one counsellor and is single use; a programme code (on a
 * poster in a reception centre) brings any number of leads into a programme. Both kinds share one
 * namespace, so a code always means one thing.
 *
 * Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a counsellor
 * can read one aloud or a client can copy it from paper. 31^8 ≈ 8.5·10^11 codes: collisions are
 * rare, and checked anyway.
 */
import { randomInt } from "node:crypto";
import type { DbClient } from "../../store/prisma.ts";

/** Digits and capitals without 0, O, 1, I and L. */
export const INVITE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const INVITE_CODE_LENGTH = 8;

/** What Telegram accepts as a deep-link payload: [A-Za-z0-9_-], at most 64 characters. */
const DEEP_LINK_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/** A fresh random code (crypto-random, uniform over the alphabet). Not checked against the store. */
export function generateInviteCode(): string {
  let code = "";
  for (let i = 0; i < INVITE_CODE_LENGTH; i++)
    code += INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)];
  return code;
}

/**
 * The canonical form of what a client sent (`/start k7pq9xzd`, a typed code): trimmed and
 * upper-cased; null when it cannot be a deep-link payload at all.
 */
export function normaliseInviteCode(input: string | null | undefined): string | null {
  const code = input?.trim() ?? "";
  return DEEP_LINK_PAYLOAD.test(code) ? code.toUpperCase() : null;
}

/** A code no case and no programme uses yet. A unique index still guards the insert. */
export async function unusedInviteCode(db: DbClient): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const code = generateInviteCode();
    const caseWithCode = await db.case.findUnique({ where: { inviteCode: code }, select: { id: true } });
    if (caseWithCode) continue;
    const programmeWithCode = await db.programme.findUnique({
      where: { inviteCode: code },
      select: { id: true },
    });
    if (!programmeWithCode) return code;
  }
  throw new Error("no unused invite code after 10 attempts");
}
