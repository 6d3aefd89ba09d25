/**
 * Private staff notes on a case (what a counsellor wants to remember: "prefers mornings").
 * Personal data: visible only inside the case's scope, erased with the client (erasure.ts).
 */
import { z } from "zod";
import type { Db } from "../../store/prisma.ts";
import { parseInput } from "../errors.ts";
import type { StaffIdentity } from "../staff/staff-identity.ts";
import { requireCaseInScope } from "./case-access.ts";

export const noteText = z.string().trim().min(1, "must not be empty").max(4000, "at most 4000 characters");

/** One note with its author's name. */
export interface CaseNoteView {
  id: string;
  text: string;
  authorName: string | null;
  createdAt: Date;
}

/** Adds a note to a case in the staff member's scope. */
export async function addCaseNote(
  db: Db,
  staff: StaffIdentity,
  caseId: string,
  text: string,
): Promise<string> {
  const valid = parseInput(noteText, text);
  await requireCaseInScope(db, staff, caseId);
  const note = await db.caseNote.create({ data: { caseId, authorId: staff.staffId, text: valid } });
  return note.id;
}

/** The case's notes, newest first (the caller has checked the scope). */
export async function caseNotes(db: Db, caseId: string): Promise<CaseNoteView[]> {
  const rows = await db.caseNote.findMany({
    where: { caseId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: { author: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    text: r.text,
    authorName: r.author?.name ?? null,
    createdAt: r.createdAt,
  }));
}
