/**
 * The optional `Idempotency-Key` header of the API's routes that write to clients: a key the
 * caller makes per request (a UUID, say). Sent again — a retry after a timeout — it writes nothing
 * more and answers as the first request did, so a client never gets a message twice.
 */
import { z } from "zod";

/** The headers schema of such a route; `description` says what a repeat answers there. */
export const idempotencyHeaders = (description: string) =>
  z.object({
    "idempotency-key": z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, "1–200 visible ASCII characters")
      .optional()
      .describe(`Idempotency-Key: ${description}`),
  });
