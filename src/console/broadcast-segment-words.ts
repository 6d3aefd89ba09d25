/**
 * A broadcast's segment in the staff member's words ("Programme: Roma@Work · Language: Romanian,
 * Arabic"), for the list and the report; the CLI's describeSegment keeps the codes.
 */
import type { Segment } from "../domain/broadcasts/segment.ts";
import type { Db } from "../store/prisma.ts";
import type { BroadcastView } from "./broadcast-view.ts";

/** The organisation's programme names by slug, for segmentWords. */
export async function programmeNames(db: Db, organisationId: string): Promise<Map<string, string>> {
  const programmes = await db.programme.findMany({
    where: { organisationId },
    select: { slug: true, name: true },
  });
  return new Map(programmes.map((p) => [p.slug, p.name]));
}

/** The segment in words; an empty one is every open case. */
export function segmentWords(view: BroadcastView, segment: Segment, programmes: Map<string, string>): string {
  const { t } = view;
  const parts = [
    segment.programme &&
      `${t("programme")}: ${segment.programme.map((p) => programmes.get(p) ?? p).join(", ")}`,
    segment.language && `${t("language")}: ${segment.language.map((l) => view.language(l)).join(", ")}`,
    segment.status && `${t("case_status")}: ${segment.status.map((s) => view.ct(`status_${s}`)).join(", ")}`,
    segment.place && `${t("place")}: ${segment.place.join(", ")}`,
    segment.tag && `${t("tag")}: ${segment.tag.join(", ")}`,
    segment.list && `${t("saved_list")}: ${segment.list}`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : t("every_open_case");
}
