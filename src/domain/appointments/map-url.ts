/**
 * A counsellor's map link for a place (an appointment, a company visit): http or https only.
 * Telegram refuses a URL button of any other scheme (400, and the whole notice fails with it),
 * and the console shows the link as an `<a href>`, where `javascript:` must never get in.
 */
import { z } from "zod";

export const mapUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be a link starting with https:// or http://" })
  .max(500, "must be a link of at most 500 characters");

/** A stored link if it is one this schema takes (rows written before it checked), else none. */
export function usableMapUrl(url: string | null | undefined): string | undefined {
  return url && mapUrlSchema.safeParse(url).success ? url : undefined;
}
