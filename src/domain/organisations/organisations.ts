/** Organisations: the employers of counsellors and owners of programmes (e.g. a public employment service). */
import { z } from "zod";
import type { Organisation } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { DomainError, isUniqueViolation, parseInput } from "../errors.ts";
import { nameField, slugField } from "./fields.ts";

const createOrganisationInput = z.object({ slug: slugField, name: nameField });

/** Creates an organisation. Throws DomainError on bad input or when the slug is taken. */
export async function createOrganisation(
  db: Db,
  input: { slug: string; name: string },
): Promise<Organisation> {
  const { slug, name } = parseInput(createOrganisationInput, input);
  try {
    return await db.organisation.create({ data: { slug, name } });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError(`An organisation with slug "${slug}" already exists.`);
    throw error;
  }
}

/** The organisation with `slug`, or a DomainError saying there is none. */
export async function findOrganisation(db: Db, slug: string): Promise<Organisation> {
  const organisation = await db.organisation.findUnique({ where: { slug } });
  if (!organisation) throw new DomainError(`No organisation with slug "${slug}".`);
  return organisation;
}
