/**
 * What a segment can be built from in an organisation: its programmes, the places and tags on its
 * open cases, and its saved lists — the choices of the console's segment builder, so nobody types
 * a place the way no case spells it.
 */
import type { Db } from "../../store/prisma.ts";

export interface SegmentOptions {
  programmes: { slug: string; name: string }[];
  places: string[];
  tags: string[];
  lists: string[];
}

/** The organisation's segment choices, each sorted. */
export async function segmentOptions(db: Db, organisationId: string): Promise<SegmentOptions> {
  const [programmes, places, tags, lists] = await Promise.all([
    db.programme.findMany({
      where: { organisationId },
      orderBy: { name: "asc" },
      select: { slug: true, name: true },
    }),
    db.$queryRaw<{ place: string }[]>`
      SELECT DISTINCT c.place FROM "Case" c JOIN "Programme" p ON p.id = c."programmeId"
       WHERE p."organisationId" = ${organisationId} AND c.status <> 'closed' AND c.place IS NOT NULL
       ORDER BY c.place`,
    db.$queryRaw<{ tag: string }[]>`
      SELECT DISTINCT unnest(c.tags) AS tag FROM "Case" c JOIN "Programme" p ON p.id = c."programmeId"
       WHERE p."organisationId" = ${organisationId} AND c.status <> 'closed'
       ORDER BY tag`,
    db.savedList.findMany({ where: { organisationId }, orderBy: { name: "asc" }, select: { name: true } }),
  ]);
  return {
    programmes,
    places: places.map((p) => p.place),
    tags: tags.map((t) => t.tag),
    lists: lists.map((l) => l.name),
  };
}
