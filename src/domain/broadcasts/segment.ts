/**
 * A broadcast's segment: which of an organisation's clients it is for. Each field narrows the
 * segment (programme AND place AND …); a field with several values takes any of them. Only
 * clients with consent (a Client row) and an open case of the organisation are ever in one; a
 * client with two cases counts once. Each member comes with the conversation a message would go
 * to (their most recent active one, else their most recent one, so that a blocked or opted-out
 * person is reported as such instead of silently left out).
 */

import { z } from "zod";
import type { CaseStatus, ConversationStatus } from "../../generated/prisma/client.ts";
import { CLIENT_LOCALES } from "../../i18n/translator.ts";
import {
  BY_LAST_USE,
  CONVERSATIONS_LOOKED_AT,
  pickConversationToWrite,
} from "../../store/conversation-to-write.ts";
import type { DbClient, Prisma } from "../../store/prisma.ts";
import { DomainError } from "../errors.ts";

const STATUSES = ["lead", "intake", "preparation", "training", "working", "closed"] as const;
const values = <T extends z.ZodType>(item: T) => z.array(item).min(1).optional();

export const segmentSchema = z
  .object({
    /** Programme slugs. */
    programme: values(z.string().trim().toLowerCase().min(1)),
    /** Municipalities or reception centres (Case.place), compared without case. */
    place: values(z.string().trim().min(1).max(80)),
    /** The client's language. */
    language: values(z.enum(CLIENT_LOCALES, { error: `must be one of ${CLIENT_LOCALES.join(", ")}` })),
    /** Case status; without it every status but closed. */
    status: values(z.enum(STATUSES, { error: `must be one of ${STATUSES.join(", ")}` })),
    /** Case tags (any of them). */
    tag: values(z.string().trim().min(1).max(40)),
    /** A saved list's name. */
    list: z.string().trim().min(1).max(80).optional(),
  })
  .strict();

export type Segment = z.output<typeof segmentSchema>;

/** One person in a segment. */
export interface SegmentMember {
  caseId: string;
  clientId: string;
  /** The client's language. */
  locale: string;
  conversationId: string | null;
  conversationStatus: ConversationStatus | null;
}

const PAGE = 5000;

/** The segment as a query over cases: open ones of the organisation, with a client, matching each part. */
async function segmentWhere(
  db: DbClient,
  organisationId: string,
  segment: Segment,
): Promise<Prisma.CaseWhereInput> {
  let caseIds: string[] | undefined;
  if (segment.list) {
    const list = await db.savedList.findUnique({
      where: { organisationId_name: { organisationId, name: segment.list } },
    });
    if (!list)
      throw new DomainError(`No saved list "${segment.list}" in this organisation.`, {
        code: "unknown_saved_list",
        params: { list: segment.list },
      });
    caseIds = list.caseIds;
  }
  return {
    programme: {
      organisationId,
      ...(segment.programme ? { slug: { in: segment.programme } } : {}),
    },
    status: segment.status ? { in: segment.status as CaseStatus[] } : { not: "closed" },
    client: segment.language ? { locale: { in: segment.language } } : { isNot: null },
    ...(segment.place
      ? { OR: segment.place.map((place) => ({ place: { equals: place, mode: "insensitive" as const } })) }
      : {}),
    ...(segment.tag ? { tags: { hasSome: segment.tag } } : {}),
    ...(caseIds ? { id: { in: caseIds } } : {}),
  };
}

/** The segment's members, in case id order (stable across calls); each client once. */
export async function segmentMembers(
  db: DbClient,
  organisationId: string,
  segment: Segment,
): Promise<SegmentMember[]> {
  const where = await segmentWhere(db, organisationId, segment);
  const members: SegmentMember[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await db.case.findMany({
      where,
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true,
        client: {
          select: {
            id: true,
            locale: true,
            conversations: {
              orderBy: BY_LAST_USE,
              take: CONVERSATIONS_LOOKED_AT,
              select: { id: true, status: true, locale: true },
            },
          },
        },
      },
    });
    for (const row of page) {
      const client = row.client;
      if (!client || seen.has(client.id)) continue;
      seen.add(client.id);
      // The one rule; none to write to: the latest, whose status says why it is skipped.
      const picked = pickConversationToWrite(client.conversations);
      const conversation = "notSent" in picked ? (client.conversations[0] ?? null) : picked;
      members.push({
        caseId: row.id,
        clientId: client.id,
        locale: client.locale,
        conversationId: conversation?.id ?? null,
        conversationStatus: conversation?.status ?? null,
      });
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1]?.id;
  }
  return members;
}

/** The segment in one line, for the CLI and logs (codes only). */
export function describeSegment(segment: Segment): string {
  const parts = Object.entries(segment)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("|") : value}`);
  return parts.length ? parts.join(" ") : "all open cases";
}
