/**
 * Something created once per idempotency key (a console form's submission, an API caller's
 * `Idempotency-Key`): the row the key already names, else a new one; when two requests race, the
 * loser's insert hits the key's unique index and it answers with the winner's row.
 */
import { isUniqueViolation } from "./errors.ts";

export async function oncePerKey<T>(find: () => Promise<T | null>, create: () => Promise<T>): Promise<T> {
  const found = await find();
  if (found) return found;
  try {
    return await create();
  } catch (error) {
    const raced = isUniqueViolation(error) ? await find() : null;
    if (raced) return raced;
    throw error;
  }
}
