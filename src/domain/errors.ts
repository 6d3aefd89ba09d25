/**
 * Errors a counsellor (or a client, through the bot) can cause: bad input, an unknown slug, a
 * counsellor of another organisation. They carry one clear line meant to be shown as is; anything
 * else thrown by the domain is a bug or an outage and is reported differently.
 */
import type { z } from "zod";
import { Prisma } from "../store/prisma.ts";

/** What a console shows instead of the English `message`: `console.error_<code>` with `params`. */
export interface DomainErrorCode {
  code: string;
  params?: Record<string, string>;
}

/**
 * A user error: `message` is one line a person can act on (the CLI and the API show it), never a
 * stack trace. `code` lets the console say it in the staff member's language (domain-error-text.ts).
 */
export class DomainError extends Error {
  override name = "DomainError";
  readonly code: string | undefined;
  readonly params: Record<string, string>;
  constructor(message: string, coded?: DomainErrorCode) {
    super(message);
    this.code = coded?.code;
    this.params = coded?.params ?? {};
  }
}

/** Parses `input` with `schema`; the first problem becomes a DomainError naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map((part) => humanise(String(part))).join(" ");
  const detail = issue?.message ?? "invalid input";
  const path = issue?.path.map(String).join(".") ?? "";
  throw new DomainError(field ? `Invalid ${field}: ${detail}.` : `Invalid input: ${detail}.`, {
    code: "invalid_field",
    params: { field: path },
  });
}

/** `organisationSlug` → `organisation slug`, so messages read the same from the CLI and the bot. */
function humanise(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** True when Postgres refused a row because a unique column already holds its value. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Something that does not exist for this staff member (another organisation's ids look the same). */
export class NotFoundError extends DomainError {
  override name = "NotFoundError";
}

/** Something of the staff member's own organisation that their role may not do. */
export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
}
