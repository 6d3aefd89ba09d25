/** Rows the tests build on (domain, CLI, conversation, scheduling): each call makes its own, with unique slugs and e-mails. */

import { createCounsellor } from "../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../src/domain/organisations/programmes.ts";
import type { ConsentDecision, CounsellorLocale } from "../../src/generated/prisma/client.ts";
import type { Db, Prisma } from "../../src/store/prisma.ts";
import { uid } from "../support/db.ts";

/** What organisationWithCounsellor makes; every field has a default. */
export interface OrganisationWithCounsellorOptions {
  withInviteCode?: boolean;
  /** false: the programme has no quiet hours, so a notice or a card goes at once whatever the time of day. */
  quietHours?: boolean;
  /** The organisation's name (default `Organisation <suffix>`). */
  organisation?: string;
  /** The programme's name (default `Programme <suffix>`). */
  programme?: string;
  /** The counsellor's name (default `Counsellor <suffix>`). */
  counsellor?: string;
  /** The counsellor's language (default en). */
  locale?: CounsellorLocale;
}

/** The names the conversation and scheduling tests give their world (the counsellor in nl, createCounsellor's default). */
export const FOYER = {
  organisation: "Foyer",
  programme: "Roma@Work",
  counsellor: "Lena",
  locale: "nl",
} as const;

/** An organisation with one programme and one counsellor, with unique slugs and e-mail. */
export async function organisationWithCounsellor(db: Db, options: OrganisationWithCounsellorOptions = {}) {
  const suffix = uid();
  const organisation = await createOrganisation(db, {
    slug: `org-${suffix}`,
    name: options.organisation ?? `Organisation ${suffix}`,
  });
  const created = await createProgramme(db, {
    organisationSlug: organisation.slug,
    slug: `prog-${suffix}`,
    name: options.programme ?? `Programme ${suffix}`,
    withInviteCode: options.withInviteCode,
  });
  const programme =
    options.quietHours === false
      ? await db.programme.update({ where: { id: created.id }, data: { settings: { quietHours: null } } })
      : created;
  const counsellor = await createCounsellor(db, {
    organisationSlug: organisation.slug,
    name: options.counsellor ?? `Counsellor ${suffix}`,
    email: `counsellor-${suffix}@example.org`,
    locale: options.locale ?? "en",
  });
  return { organisation, programme, counsellor };
}

/**
 * An organisation `o-<s>` with one programme `p-<s>` whose quiet hours are off, so a notice or a
 * card goes at once whatever the time of day; `s` is returned for the test's own slugs.
 */
export async function openProgramme(db: Db) {
  const s = uid();
  await createOrganisation(db, { slug: `o-${s}`, name: "Foyer" });
  const created = await createProgramme(db, { organisationSlug: `o-${s}`, slug: `p-${s}`, name: "R2W" });
  const programme = await db.programme.update({
    where: { id: created.id },
    data: { settings: { quietHours: null } },
  });
  return { s, programme };
}

/** A client who has made a consent decision (accepted unless told otherwise) on a Telegram conversation. */
export async function consentedClient(
  db: Db,
  options: { displayName?: string; locale?: string; decision?: ConsentDecision } = {},
) {
  const client = await db.client.create({
    data: { displayName: options.displayName ?? null, locale: options.locale ?? "ro" },
  });
  const conversation = await db.conversation.create({
    data: { channel: "telegram", externalConversationId: uid(), externalUserId: uid(), clientId: client.id },
  });
  await db.consent.create({
    data: {
      conversationId: conversation.id,
      clientId: client.id,
      noticeVersion: "test-1",
      decision: options.decision ?? "accepted",
      channel: "telegram",
    },
  });
  return client;
}

class RolledBack extends Error {}

/**
 * Runs `work` in a transaction that is always rolled back, for tests that must see a global state
 * (which programme is the default intake) without leaving it behind for other tests.
 */
export async function inRolledBackTransaction<T>(
  db: Db,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  try {
    await db.$transaction(async (tx) => {
      result = { value: await work(tx) };
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  if (!result) throw new Error("the transaction did not run");
  return result.value;
}

/**
 * A programme's poster code: a client who starts with it becomes a lead of that programme, the
 * same for every test whatever programme is the default intake (none, in a test database).
 */
export async function posterCode(db: Db): Promise<string> {
  const { programme } = await organisationWithCounsellor(db, { withInviteCode: true });
  if (!programme.inviteCode) throw new Error("the programme has no invite code");
  return programme.inviteCode;
}
