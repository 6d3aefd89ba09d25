/**
 * One case as its counsellor looks it up: the case itself, the client's language (never their
 * platform ids or name) and the latest self-assessment on the case. With a counsellor's e-mail,
 * only a case of that counsellor's organisation is found.
 */

import { z } from "zod";
import type { Answer } from "../../engine/types.ts";
import type { CaseStatus } from "../../generated/prisma/client.ts";
import type { CounsellorLocale } from "../../i18n/translator.ts";
import { latestConsentSelect } from "../../store/consents.ts";
import type { DbClient } from "../../store/prisma.ts";
import { DomainError, parseInput } from "../errors.ts";
import { emailField } from "../organisations/fields.ts";
import { PRECONDITIONS, type Precondition, type Readiness } from "./readiness.ts";

/** The case, as shown to a counsellor. */
export interface CaseDetails {
  id: string;
  status: CaseStatus;
  programmeSlug: string | null;
  programmeName: string | null;
  counsellorName: string | null;
  counsellorEmail: string | null;
  /** The counsellor's own label (initials, a file number). */
  reference: string | null;
  createdAt: Date;
  linkedAt: Date | null;
  clientLinked: boolean;
  /** The language the client chats in. */
  clientLocale: string | null;
}

/** The latest stored self-assessment of the case. */
export interface StoredAssessment {
  flowId: string;
  flowVersion: number;
  completedAt: Date;
  answers: Record<string, Answer>;
  readiness: Readiness;
}

export interface CaseOverview {
  case: CaseDetails;
  /** Null when there is none yet, or the client's consent no longer stands. */
  assessment: StoredAssessment | null;
  /** True when an assessment exists but is withheld because consent no longer stands. */
  assessmentWithheld: boolean;
  /** The looking counsellor's language (else the owning counsellor's, else nl). */
  counsellorLocale: CounsellorLocale;
}

const input = z.object({
  caseId: z.string().trim().min(1, "must not be empty"),
  counsellorEmail: emailField.optional(),
});

/** Loads the case and its latest assessment; a DomainError for an unknown case or another organisation's. */
export async function caseOverview(
  db: DbClient,
  request: { caseId: string; counsellorEmail?: string },
): Promise<CaseOverview> {
  const { caseId, counsellorEmail } = parseInput(input, request);
  const viewer = counsellorEmail
    ? await db.counsellor.findUnique({ where: { email: counsellorEmail } })
    : null;
  if (counsellorEmail && !viewer) throw new DomainError(`No counsellor with e-mail ${counsellorEmail}.`);
  const row = await db.case.findUnique({
    where: { id: caseId },
    include: {
      programme: { select: { slug: true, name: true, organisationId: true } },
      counsellor: { select: { name: true, email: true, locale: true, organisationId: true } },
      client: {
        select: {
          locale: true,
          consents: latestConsentSelect,
        },
      },
      assessments: { orderBy: { completedAt: "desc" }, take: 1 },
    },
  });
  if (viewer) {
    const organisationId = row?.programme?.organisationId ?? row?.counsellor?.organisationId;
    if (organisationId !== viewer.organisationId) throw new DomainError("No such case in your organisation.");
  }
  if (!row) throw new DomainError(`No case with id ${caseId}.`);
  const latest = row.assessments[0];
  const consentStands = row.client?.consents[0]?.decision === "accepted";
  return {
    case: {
      id: row.id,
      status: row.status,
      programmeSlug: row.programme?.slug ?? null,
      programmeName: row.programme?.name ?? null,
      counsellorName: row.counsellor?.name ?? null,
      counsellorEmail: row.counsellor?.email ?? null,
      reference: row.reference,
      createdAt: row.createdAt,
      linkedAt: row.linkedAt,
      clientLinked: row.clientId !== null,
      clientLocale: row.client?.locale ?? null,
    },
    assessment:
      latest && consentStands
        ? {
            flowId: latest.flowId,
            flowVersion: latest.flowVersion,
            completedAt: latest.completedAt,
            answers: storedAnswers(latest.answers),
            readiness: storedReadiness(latest.readiness, latest.legalAccessDate),
          }
        : null,
    assessmentWithheld: latest !== undefined && !consentStands,
    counsellorLocale: viewer?.locale ?? row.counsellor?.locale ?? "nl",
  };
}

/** The answers JSON as answers; anything that is not an answer is left out. */
function storedAnswers(json: unknown): Record<string, Answer> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  const answers: Record<string, Answer> = {};
  for (const [name, value] of Object.entries(json)) {
    const isList = Array.isArray(value) && value.every((v) => typeof v === "string");
    if (value === null || isList || ["string", "number", "boolean"].includes(typeof value))
      answers[name] = value as Answer;
  }
  return answers;
}

/** The readiness JSON as a Readiness (the column's date when the JSON lacks one). */
function storedReadiness(json: unknown, legalAccessDate: Date | null): Readiness {
  const stored = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  const open = strings(stored.openPreconditions).filter((p): p is Precondition =>
    (PRECONDITIONS as readonly string[]).includes(p),
  );
  const date =
    typeof stored.legalAccessDate === "string"
      ? stored.legalAccessDate
      : (legalAccessDate?.toISOString().slice(0, 10) ?? null);
  return {
    openPreconditions: open,
    sectors: strings(stored.sectors),
    legalAccessDate: date,
    ready: typeof stored.ready === "boolean" ? stored.ready : open.length === 0,
  };
}
