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
  const colon = (label: string) => view.ct("label_colon", { label });
  // A segment takes anyone who matches one of the values: "Romanian or Arabic".
  const any = (values: readonly string[]) => view.translator.formatList(values, view.staff.locale, "or");
  const parts = [
    segment.programme &&
      `${colon(t("programme"))} ${any(segment.programme.map((p) => programmes.get(p) ?? p))}`,
    segment.language && `${colon(t("language"))} ${any(segment.language.map((l) => view.language(l)))}`,
    segment.status && `${colon(t("case_status"))} ${any(segment.status.map((s) => view.ct(`status_${s}`)))}`,
    segment.place && `${colon(t("place"))} ${any(segment.place)}`,
    segment.tag && `${colon(t("tag"))} ${any(segment.tag)}`,
    segment.list && `${colon(t("saved_list"))} ${segment.list}`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : t("every_open_case");
}
