/**
 * Staff passwords: argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), through
 * @node-rs/argon2 (prebuilt, no install script). The PHC string carries its own parameters, so
 * stronger settings later still verify old hashes.
 */
import { hash, verify } from "@node-rs/argon2";

/** `Algorithm.Argon2id` (a const enum, which this project's TypeScript settings cannot import). */
const ARGON2ID = 2;
const OWASP_ARGON2ID = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** A password must be long rather than clever (NIST 800-63B): 12 to 200 characters. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** The PHC string to store for `password`. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OWASP_ARGON2ID);
}

/** Whether `password` matches the stored PHC string; false (not a throw) for a malformed one. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows, verified when the e-mail is unknown so timing tells nothing. */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword("decoy password that is never anyone's");
  await verifyPassword(await decoy, password);
  return false;
}
