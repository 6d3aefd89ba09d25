/**
 * Programmes: what a case belongs to (Roma@Work, Refugees2work…). A programme may carry an invite
 * code for posters in reception centres (clients who start with it become its leads), and at most
 * one programme is the default intake, where clients who start without any code land.
 */
import { z } from "zod";
import type { Programme } from "../../generated/prisma/client.ts";
import type { Db } from "../../store/prisma.ts";
import { unusedInviteCode } from "../cases/invite-codes.ts";
import { DomainError, isUniqueViolation, parseInput } from "../errors.ts";
import { nameField, slugField, timezoneField } from "./fields.ts";
import { findOrganisation } from "./organisations.ts";

const createProgrammeInput = z.object({
  organisationSlug: slugField,
  slug: slugField,
  name: nameField,
  timezone: timezoneField.optional(),
  isDefaultIntake: z.boolean().default(false),
  withInviteCode: z.boolean().default(false),
});

/** Serialises "make this programme the default intake", so two at once cannot both end up default. */
const DEFAULT_INTAKE_LOCK = 7_310_001;

/**
 * Creates a programme in an organisation. `withInviteCode` gives it a programme invite code;
 * `isDefaultIntake` makes it the default intake and unsets that flag on every other programme.
 */
export async function createProgramme(
  db: Db,
  input: {
    organisationSlug: string;
    slug: string;
    name: string;
    timezone?: string;
    isDefaultIntake?: boolean;
    withInviteCode?: boolean;
  },
): Promise<Programme> {
  const { organisationSlug, slug, name, timezone, isDefaultIntake, withInviteCode } = parseInput(
    createProgrammeInput,
    input,
  );
  const organisation = await findOrganisation(db, organisationSlug);
  for (let attempt = 0; ; attempt++) {
    if (await db.programme.findUnique({ where: { slug }, select: { id: true } }))
      throw new DomainError(`A programme with slug "${slug}" already exists.`);
    const inviteCode = withInviteCode ? await unusedInviteCode(db) : null;
    try {
      return await db.$transaction(async (tx) => {
        if (isDefaultIntake) {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DEFAULT_INTAKE_LOCK})`;
          await tx.programme.updateMany({
            where: { isDefaultIntake: true },
            data: { isDefaultIntake: false },
          });
        }
        return tx.programme.create({
          data: { organisationId: organisation.id, slug, name, timezone, isDefaultIntake, inviteCode },
        });
      });
    } catch (error) {
      // Either the slug was taken meanwhile (reported on the next pass) or the code collided (retried).
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}
