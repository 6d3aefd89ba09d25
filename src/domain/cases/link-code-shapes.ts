/**
 * The two kinds of code a person types to the bot to link a chat, told apart by their shape, in
 * one parser: a client's `/link` code (8 digits, "1234 5678", channel-links.ts) joins a chat to
 * the same client; a staff member's "Connect Teams" code ("ST-K7M3-9QX2", from the console,
 * staff/teams-link.ts) makes a Teams chat that staff member's. A staff code always starts with
 * "ST" and has letters, so no client code can be read as one, nor the reverse.
 */

/** The characters of a staff code after "ST": no 0/O, 1/I/L or U, so it reads aloud and types easily. */
export const STAFF_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export const STAFF_CODE_LENGTH = 8;

/** A typed code, normalised (no spaces or dashes, upper case), with its kind. */
export type LinkCode = { kind: "client"; code: string } | { kind: "staff"; code: string };

const STAFF_SHAPE = new RegExp(`^ST[${STAFF_CODE_ALPHABET}]{${STAFF_CODE_LENGTH}}$`);

/** What `typed` is ("1234 5678", "st-k7m3-9qx2", "/link ST-…" without the command), or null. */
export function parseLinkCode(typed: string): LinkCode | null {
  const code = typed.replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{8}$/.test(code)) return { kind: "client", code };
  if (STAFF_SHAPE.test(code)) return { kind: "staff", code };
  return null;
}

/** A message that is only a staff code, with or without `/link` before it; the code, or null. */
export function staffCodeIn(text: string | undefined): string | null {
  if (!text) return null;
  const bare = text.trim().replace(/^\/link(@\S+)?\s+/i, "");
  const parsed = bare.length <= 40 ? parseLinkCode(bare) : null;
  return parsed?.kind === "staff" ? parsed.code : null;
}

/** "ST-K7M3-9QX2": how the console shows a normalised staff code. */
export function formatStaffCode(code: string): string {
  return `ST-${code.slice(2, 6)}-${code.slice(6)}`;
}
