/** Counsellors: the people who own cases. They belong to one organisation and work in nl, fr or en. */
import { z } from "zod";
import type { Counsellor, CounsellorLocale } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, isUniqueViolation, parseInput } from "../errors.ts";
import { counsellorLocaleField, emailField, nameField, slugField } from "./fields.ts";
import { findOrganisation } from "./organisations.ts";

const createCounsellorInput = z.object({
  organisationSlug: slugField,
  name: nameField,
  email: emailField,
  locale: counsellorLocaleField.default("nl"),
});

/** Creates a counsellor in an organisation (locale defaults to nl). E-mail addresses are unique. */
export async function createCounsellor(
  db: Db,
  input: { organisationSlug: string; name: string; email: string; locale?: CounsellorLocale },
): Promise<Counsellor> {
  const { organisationSlug, name, email, locale } = parseInput(createCounsellorInput, input);
  const organisation = await findOrganisation(db, organisationSlug);
  try {
    return await db.counsellor.create({ data: { organisationId: organisation.id, name, email, locale } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError(`A counsellor with e-mail ${email} already exists.`);
    throw error;
  }
}
