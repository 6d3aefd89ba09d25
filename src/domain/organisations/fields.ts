/**
 * The input fields counsellors type (slugs, names, e-mail addresses), validated the same way
 * wherever they appear. Slugs and e-mail addresses are trimmed and lower-cased, so
 * `Roma-Work` and `roma-work` name the same programme.
 */
import { IANAZone } from "luxon";
import { z } from "zod";

/** A URL-safe identifier: 2 to 64 lowercase letters, digits or hyphens. */
export const slugField = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,63}$/,
    "use 2 to 64 lowercase letters, digits or hyphens, starting with a letter or digit",
  );

/** A person's or a thing's name as it is shown to counsellors. */
export const nameField = z
  .string({ error: "required" })
  .trim()
  .min(1, "must not be empty")
  .max(200, "at most 200 characters");

/** A counsellor's e-mail address, lower-cased. */
export const emailField = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an e-mail address such as an.peeters@example.org"));

/** The languages counsellors work in. */
export const counsellorLocaleField = z.enum(["nl", "fr", "en"], { error: "must be nl, fr or en" });

/** An IANA time zone such as Europe/Brussels. */
export const timezoneField = z
  .string()
  .trim()
  .refine((zone) => IANAZone.isValidZone(zone), "must be an IANA time zone such as Europe/Brussels");
